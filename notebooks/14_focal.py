# %% [markdown]
# # 14 · The focal exponent: which loss makes FSR-GAN work
#
# FSR-GAN with the focal distance term ||F_SR - F_HR||^r for r = 1, 2, 3, with the
# adversarial term only, and with the distance term only, each trained with several
# seeds from the run's FSR-GAN configuration (one change per variant), on one backbone.
# The paper reports r = 2 as best; below is what this run measured, with the spread
# over seeds.

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
ground_truth_json = "results/demo/ground_truth.json"
features_dir = "results/demo/features"
out_csv = "results/demo/tables/focal.csv"
backbone = "vgg16_conv5_gem"
factors = [4, 9, 16, 64]
fsrgan = {}
variants = ["r1", "r2", "r3", "adversarial_only", "distance_only", "critic5"]
seeds = [0, 1, 2]
# FSR-GANs of this backbone at hand (the run's, the seed spread's): a variant and seed
# one of them already is is not trained again
trained = ["results/demo/models/fsrgan_vgg16_conv5_gem.pt"]
# on a CPU: this many single-thread trainings side by side
threads = 2

# %%
import torch
from fsrstudy.report import figures
from fsrstudy.stages import focal

torch.set_num_threads(threads)
table = focal.focal_ablation(manifest_csv, ground_truth_json, features_dir, out_csv,
                                    backbone=backbone, factors=factors, fsrgan=fsrgan,
                                    variants=variants, seeds=seeds, trained=trained,
                                    workers=threads)
summary = focal.summarise(table)
summary.round(4)

# %%
figures.focal_exponent(table);
