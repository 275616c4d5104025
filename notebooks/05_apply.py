# %% [markdown]
# # 05 · Apply FSR-GAN: super-resolved features of every low-resolution image

# %% tags=["parameters"]
features_dir = "results/demo/features"
models_dir = "results/demo/models"
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16, 64]
methods = ["fsrgan"]
device = "auto"

# %%
from fsrstudy import pipeline

pipeline.apply_fsrgan(features_dir, models_dir, backbones_=backbones, factors=factors,
                      methods=methods, device=device)
