# %% [markdown]
# # 03 · pool4 maps of the low-resolution images (for the distilled students)
#
# The frozen extractor's layers up to pool4 (VGG16 conv1_1 ... pool4, 512 x S/16 x S/16
# maps) on every image at every factor, stored in float16 under `features/pool4/`. The
# distilled query networks (`distill`, `distill_db`: VGG16's layers after pool4, trained
# to give the HR descriptor from these maps) read them in training and in use, so the
# frozen part runs once per image and factor. Device, precision and convolution engine
# as in stage 03.

# %% tags=["parameters"]
images_dir = "results/demo/images"
features_dir = "results/demo/features"
factors = [4, 9, 16, 64]
extractor = {"source": "offline_vgg16", "poolings": ["gem", "mac"], "gem_p": 3.0,
             "batch_size": "auto", "device": "auto", "precision": "auto",
             "engine": "auto"}  # the config's `features` section, as stage 03
threads = 2

# %%
import torch
from fsrstudy.stages import features as feature_stage

torch.set_num_threads(threads)
options = {k: v for k, v in extractor.items() if k != "shards"}
meta = feature_stage.distill_maps(images_dir, features_dir, factors=factors, **options)
print(f"{meta['device']}, {meta['precision']}, engine {meta['engine']}: {meta['why']}")
meta
