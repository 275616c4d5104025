# %% [markdown]
# # 05 · The distilled students' descriptors of the evaluation images
#
# Each student (`distill`, `distill_db`) reads the pool4 maps of the held-out images at
# every factor and gives their descriptors (L2-normalised), written like any method's
# features; the rows it was not applied to (the fitting images) are NaN. A `distill_db`
# cross-fitted over the query photos maps each row by the fold student that never saw
# its photo (the fits table below).

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
features_dir = "results/demo/features"
models_dir = "results/demo/models"
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16, 64]
methods = ["distill"]
fits_csv = "results/demo/tables/distill_fits.csv"
batch_size = "auto"
device = "auto"
threads = 2

# %%
import torch
from fsrstudy.stages import train as train_stage

torch.set_num_threads(threads)
train_stage.apply_distill(manifest_csv, features_dir, models_dir, fits_csv,
                          backbone_names=backbones, factors=factors, methods=methods,
                          batch_size=batch_size, device=device)
