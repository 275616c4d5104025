# %% [markdown]
# # 08 · Features of the ISR-restored images
#
# The same extractor as stage 03, on the restored held-out images; rows of the train
# split (never restored) are NaN in these arrays.

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
images_dir = "results/demo/images"
features_dir = "results/demo/features"
factors = [4, 9, 16, 64]
methods = ["srcnn", "vdsr"]
extractor = {"source": "offline_vgg16", "poolings": ["gem", "mac"], "gem_p": 3.0,
             "batch_size": "auto", "device": "auto", "precision": "auto",
             "engine": "auto"}  # as stage 03
threads = 2

# %%
import torch
from fsrstudy.stages import isr as isr_stage

torch.set_num_threads(threads)
isr_stage.extract_isr_features(manifest_csv, images_dir, features_dir, factors=factors,
                              methods=methods, **extractor)
