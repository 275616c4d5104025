# %% [markdown]
# # 05 · Apply the feature-SR models (FSR-GAN, ridge) to every low-resolution feature

# %% tags=["parameters"]
features_dir = "results/demo/features"
models_dir = "results/demo/models"
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16, 64]
methods = ["fsrgan"]
device = "auto"

# %%
from fsrstudy.stages import train as train_stage

train_stage.apply_feature_sr(features_dir, models_dir, backbone_names=backbones, factors=factors,
                      methods=methods, device=device)
