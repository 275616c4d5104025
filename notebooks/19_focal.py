# %% [markdown]
# # 14 · The focal exponent: which loss makes FSR-GAN work
#
# FSR-GAN with the focal distance term ||F_SR - F_HR||^r for r = 1, 2, 3, with the
# adversarial term only, and with the distance term only, each trained with several
# seeds from the run's FSR-GAN configuration (one change per variant), on one backbone.
# The paper reports r = 2 as best; below is what this run measured, with the spread
# over seeds.

# %% tags=["parameters"]
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
focal = {'seeds': [0, 1, 2],
         'enabled': True,
         'variants': ['r1', 'r2', 'r3', 'adversarial_only', 'distance_only', 'critic5'],
         'backbone': None}
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
backbone = 'vgg16_conv5_gem'
manifest = 'results/tiny/manifest.csv'
ground_truth = 'results/tiny/ground_truth.json'
hr = ['results/tiny/features/vgg16_conv5_gem/hr_f1.npy']
lr = ['results/tiny/features/vgg16_conv5_gem/lr_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/lr_f16.npy']
# FSR-GANs of this backbone at hand (the run's, the seed spread's): a variant and seed
# one of them already is is not trained again
trained = ['results/tiny/models/fsrgan_vgg16_conv5_gem.pt',
           'results/tiny/models/seeds/fsrgan_seed1_vgg16_conv5_gem.pt',
           'results/tiny/models/seeds/fsrgan_seed2_vgg16_conv5_gem.pt']
table = 'results/tiny/tables/focal.csv'

# %%
import torch
from fsrstudy.report import figures
from fsrstudy.stages import focal as focal_stage

torch.set_num_threads(threads)
measured = focal_stage.focal_ablation(
    manifest, ground_truth, features_dir, table, backbone=backbone, factors=factors,
    fsrgan=fsrgan, variants=focal["variants"], seeds=focal["seeds"], trained=trained,
    workers=threads)
summary = focal_stage.summarise(measured)
summary.round(4)

# %%
figures.focal_exponent(measured);
