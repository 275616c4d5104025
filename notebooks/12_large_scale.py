# %% [markdown]
# # 12 · Large-scale retrieval: the database plus distractors
#
# Each query is searched in its dataset's database plus the first n distractors, for a
# range of n. Distractors: `train_only` (default run: the images of groups never used
# as queries, i.e. the train-only rows, at the method's database resolution) or
# `revisitop1m` (HR features, memory-mapped). Exact: a distractor changes AP only by the
# positives it outranks, counted in one pass over shards (`fsrstudy.evaluation.large_scale`);
# mP@k from the same ranks. `matched` needs LR distractors, so it is left out with
# revisitop1m.

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
ground_truth_json = "results/demo/ground_truth.json"
features_dir = "results/demo/features"
out_csv = "results/demo/tables/large_scale.csv"
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16, 64]
methods = ["lr", "fsrgan", "matched"]
source = "train_only"
sizes = None
protocols = None
seed = 0  # of the bootstrap resamples of the queries (the mAP intervals)

# %%
from fsrstudy.report import figures
from fsrstudy.stages import distractors

table = distractors.large_scale(manifest_csv, ground_truth_json, features_dir, out_csv,
                                 backbone_names=backbones, factors=factors, methods=methods,
                                 source=source, sizes=sizes, protocols=protocols,
                                 seed=seed)
table.pivot_table(index=["dataset", "protocol", "backbone", "method", "factor"],
                  columns="n_distractors", values="mAP")

# %%
figures.map_vs_distractors(table);
