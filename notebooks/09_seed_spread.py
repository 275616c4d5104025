# %% [markdown]
# # 09 · The spread over seeds of every fitted method
#
# Every fitted method (FSR-GAN, factor-aware FSR-GAN, ridge, the distilled student when
# enabled; on the train split and on the database) fitted again with each seed, on the
# same data and settings, on one backbone; the run's own model stands in for the run's
# seed. A seed sets FSR-GAN's initial weights and batch order, the groups that choose
# ridge's alpha, the student's batch order (its start is the teacher). Measured as in
# stages 09 and 10: held-out distance to HR and mAP per protocol. The retrieval
# notebook puts these spreads beside its standings.

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
ground_truth_json = "results/demo/ground_truth.json"
features_dir = "results/demo/features"
models_dir = "results/demo/models"
out_csv = "results/demo/tables/seed_spread.csv"
backbone = "vgg16_conv5_gem"
factors = [4, 9, 16, 64]
# {method: [family, training data]}, as the workflow names them
methods = {"fsrgan": ["fsrgan", "train_split"], "ridge": ["ridge", "train_split"]}
seeds = [0, 1, 2]
seed = 0  # the run's seed: its own models stand in for it
fsrgan = {}  # the config's sections: every setting as the run's own fits
ridge = {"alphas": [0.001, 0.01, 0.1, 1.0, 10.0], "validation_fraction": 0.2}
distill = {}
extractor = {"source": "offline_vgg16", "gem_p": 3.0, "batch_size": "auto"}
# on a CPU: this many single-thread FSR-GAN trainings side by side
threads = 2
cross_fit_folds = 5

# %%
import torch
from fsrstudy.stages import seed_spread

torch.set_num_threads(threads)
table = seed_spread.spread_over_seeds(
    manifest_csv, ground_truth_json, features_dir, models_dir, out_csv, backbone=backbone,
    factors=factors, methods=methods, seeds=seeds, run_seed=seed, fsrgan=fsrgan,
    ridge=ridge, distill=distill, extractor=extractor, workers=threads,
    cross_fit_folds=cross_fit_folds)

# %% [markdown]
# Mean and standard deviation over the seeds:

# %%
seed_spread.summarise(table).round(4)
