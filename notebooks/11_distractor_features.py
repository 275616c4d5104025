# %% [markdown]
# # 11 · Distractor features (revisitop1m)
#
# HR descriptors of the fetched revisitop1m distractors. Shard jobs (rule
# `distractor_shard`, `distractors.shards` of them: side by side on a cluster) each
# streamed their slice of the list, batch by batch, into memory-mapped arrays; here they
# are gathered, in list order, into one (N, D) memmap per backbone, which the
# large-scale search reads in blocks. Unreadable distractors got a zero row (they match
# nothing) and are listed.

# %% tags=["parameters"]
shard_metas = ["results/paper/features/distractor_shards/0/meta.json"]
shard_bad_csvs = ["results/paper/features/distractor_shards/0/bad_images.csv"]
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
features_dir = "results/paper/features"
bad_csv = "results/paper/distractors_bad_images.csv"

# %%
import json
from pathlib import Path

import pandas as pd
from fsrstudy.stages import distractors

shards = pd.DataFrame([json.loads(Path(p).read_text()) for p in shard_metas])
rows = distractors.gather_distractors([Path(p).parent for p in shard_metas], backbones,
                                       features_dir, shard_bad_csvs, bad_csv)
print(f"{len(shards)} shard(s) gathered: {rows} rows per backbone")
shards[["shard", "images", "seconds", "device", "precision", "engine"]]

# %%
bad = pd.read_csv(bad_csv)
print(f"{len(bad)} unreadable distractor(s) (zero rows)")
bad.head(20)
