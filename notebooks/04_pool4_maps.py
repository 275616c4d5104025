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
maps = ['results/tiny/features/pool4/lr_f4.npy', 'results/tiny/features/pool4/lr_f16.npy']
meta = 'results/tiny/features/pool4/meta.json'

# %%
import torch
from fsrstudy.config import extractor_options
from fsrstudy.stages import features as feature_stage

torch.set_num_threads(threads)
described = feature_stage.distill_maps(images_dir, features_dir, factors=factors,
                                       **extractor_options(features))
print(f"{described['device']}, {described['precision']}, engine {described['engine']}: "
      f"{described['why']}")
described
