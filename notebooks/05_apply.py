# %% [markdown]
# # 05 · Apply the feature-SR models (FSR-GAN, ridge) to the evaluation images' LR features
#
# The held-out images (queries and database) at every factor; the training rows stay NaN.
# A method fitted on the database whose images share source photos with queries was
# cross-fitted: each row is mapped by the fold model that never saw its photo, and rows
# every model was fitted on stay NaN (the fits table below counts them).

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
features_dir = "results/demo/features"
models_dir = "results/demo/models"
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16, 64]
methods = ["fsrgan"]
fits_csv = "results/demo/tables/fits.csv"
device = "auto"
threads = 2

# %%
import torch
from fsrstudy.stages import train as train_stage

torch.set_num_threads(threads)
train_stage.apply_feature_sr(manifest_csv, features_dir, models_dir, fits_csv,
                             backbone_names=backbones, factors=factors, methods=methods,
                             device=device)
