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
seed = 0
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16]
threads = 2
images_dir = "results/tiny/images"
features_dir = "results/tiny/features"
models_dir = "results/tiny/models"
metas = ["results/paper/features/distractor_shards/0/meta.json"]
arrays = []
bads = ["results/paper/features/distractor_shards/0/bad_images.csv"]
distractors = []
bad = "results/paper/distractors_bad_images.csv"

# %%
import json
from pathlib import Path

import pandas as pd
from fsrstudy.stages import distractors as distractor_stage

shards = pd.DataFrame([json.loads(Path(p).read_text()) for p in metas])
rows = distractor_stage.gather_distractors([Path(p).parent for p in metas], backbones,
                                           features_dir, bads, bad)
print(f"{len(shards)} shard(s) gathered: {rows} rows per backbone")
shards[["shard", "images", "seconds", "device", "precision", "engine"]]

# %%
unreadable = pd.read_csv(bad)
print(f"{len(unreadable)} unreadable distractor(s) (zero rows)")
unreadable.head(20)
