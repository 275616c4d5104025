# %% [markdown]
# # 05 · Apply the feature-SR models (FSR-GAN, ridge) to the evaluation images' LR features
#
# The held-out images (queries and database) at every factor; the training rows stay NaN.
# A method fitted on the database whose images share source photos with queries was
# cross-fitted: each row is mapped by the fold model that never saw its photo, and rows
# every model was fitted on stay NaN (the fits table below counts them).

# %% tags=["parameters"]
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
fsrgan = {'epochs': 2,
          'batch_size': 16,
          'precision': 'fp32',
          'residual': True,
          'lr': 0.0001,
          'focal_r': 2,
          'keep_prob': 0.7,
          'adversarial_weight': 1.0,
          'distance_weight': 1.0,
          'leaky_slope': 0.2,
          'critic_steps': 1,
          'critic_clip': 0.01,
          'device': 'auto',
          'training_data': ['train_split', 'database']}
methods = ['fsrgan',
           'fsrgan_db',
           'fsrgan_fa',
           'fsrgan_fa_db',
           'ridge',
           'ridge_db',
           'mean_shift',
           'mean_shift_db']
manifest = 'results/tiny/manifest.csv'
models = ['results/tiny/models/fsrgan_vgg16_conv5_gem.pt',
          'results/tiny/models/fsrgan_db_vgg16_conv5_gem.pt',
          'results/tiny/models/fsrgan_fa_vgg16_conv5_gem.pt',
          'results/tiny/models/fsrgan_fa_db_vgg16_conv5_gem.pt',
          'results/tiny/models/ridge_vgg16_conv5_gem.pt',
          'results/tiny/models/ridge_db_vgg16_conv5_gem.pt',
          'results/tiny/models/mean_shift_vgg16_conv5_gem.pt',
          'results/tiny/models/mean_shift_db_vgg16_conv5_gem.pt']
lr = ['results/tiny/features/vgg16_conv5_gem/lr_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/lr_f16.npy']
sr = ['results/tiny/features/vgg16_conv5_gem/fsrgan_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/fsrgan_f16.npy',
      'results/tiny/features/vgg16_conv5_gem/fsrgan_db_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/fsrgan_db_f16.npy',
      'results/tiny/features/vgg16_conv5_gem/fsrgan_fa_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/fsrgan_fa_f16.npy',
      'results/tiny/features/vgg16_conv5_gem/fsrgan_fa_db_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/fsrgan_fa_db_f16.npy',
      'results/tiny/features/vgg16_conv5_gem/ridge_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/ridge_f16.npy',
      'results/tiny/features/vgg16_conv5_gem/ridge_db_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/ridge_db_f16.npy',
      'results/tiny/features/vgg16_conv5_gem/mean_shift_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/mean_shift_f16.npy',
      'results/tiny/features/vgg16_conv5_gem/mean_shift_db_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/mean_shift_db_f16.npy']
fits = 'results/tiny/tables/fits.csv'

# %%
import torch
from fsrstudy.stages import train as train_stage

torch.set_num_threads(threads)
train_stage.apply_feature_sr(manifest, features_dir, models_dir, fits,
                             backbone_names=backbones, factors=factors, methods=methods,
                             device=fsrgan["device"])
