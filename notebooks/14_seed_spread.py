# %% [markdown]
# # 09 · The spread over seeds of every fitted method
#
# Every fitted method (FSR-GAN, factor-aware FSR-GAN, ridge, the distilled student when
# enabled; on the train split and on the database) fitted again with each seed, on the
# same data and settings, on one backbone; the run's own model stands in for the run's
# seed. A seed sets FSR-GAN's initial weights and batch order, the groups that choose
# ridge's alpha, the student's batch order (its start is the teacher). Measured as in
# stages 13 and 15: held-out distance to HR and mAP per protocol. The retrieval
# notebook puts these spreads beside its standings.

# %% tags=["parameters"]
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
seed_spread = {'seeds': [0, 1, 2], 'enabled': True, 'backbone': None}
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
ridge = {'enabled': True,
         'alphas': [0.0001, 0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0],
         'validation_fraction': 0.2}
distill = {'enabled': True, 'epochs': 1, 'batch_size': 8, 'lr': 1e-05, 'device': 'auto'}
features = {'poolings': ['gem'],
            'batch_size': 8,
            'precision': 'fp32',
            'engine': 'default',
            'source': 'offline_vgg16',
            'device': 'auto',
            'gem_p': 3,
            'shards': 1}
cross_fit = {'folds': 2}
# {method: [family, training data]}, as the workflow names them
fits = {'fsrgan': ['fsrgan', 'train_split'],
        'fsrgan_db': ['fsrgan', 'database'],
        'fsrgan_fa': ['fsrgan_fa', 'train_split'],
        'fsrgan_fa_db': ['fsrgan_fa', 'database'],
        'ridge': ['ridge', 'train_split'],
        'ridge_db': ['ridge', 'database'],
        'mean_shift': ['mean_shift', 'train_split'],
        'mean_shift_db': ['mean_shift', 'database'],
        'distill': ['distill', 'train_split'],
        'distill_db': ['distill', 'database']}
manifest = 'results/tiny/manifest.csv'
ground_truth = 'results/tiny/ground_truth.json'
hr = ['results/tiny/features/vgg16_conv5_gem/hr_f1.npy']
lr = ['results/tiny/features/vgg16_conv5_gem/lr_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/lr_f16.npy']
models = ['results/tiny/models/fsrgan_vgg16_conv5_gem.pt',
          'results/tiny/models/fsrgan_db_vgg16_conv5_gem.pt',
          'results/tiny/models/fsrgan_fa_vgg16_conv5_gem.pt',
          'results/tiny/models/fsrgan_fa_db_vgg16_conv5_gem.pt',
          'results/tiny/models/ridge_vgg16_conv5_gem.pt',
          'results/tiny/models/ridge_db_vgg16_conv5_gem.pt',
          'results/tiny/models/mean_shift_vgg16_conv5_gem.pt',
          'results/tiny/models/mean_shift_db_vgg16_conv5_gem.pt',
          'results/tiny/models/distill_vgg16_conv5_gem.pt',
          'results/tiny/models/distill_db_vgg16_conv5_gem.pt']
maps = ['results/tiny/features/pool4/lr_f4.npy', 'results/tiny/features/pool4/lr_f16.npy']
table = 'results/tiny/tables/seed_spread.csv'
seed_models = ['results/tiny/models/seeds/fsrgan_seed1_vgg16_conv5_gem.pt',
               'results/tiny/models/seeds/fsrgan_seed2_vgg16_conv5_gem.pt',
               'results/tiny/models/seeds/fsrgan_db_seed1_vgg16_conv5_gem.pt',
               'results/tiny/models/seeds/fsrgan_db_seed2_vgg16_conv5_gem.pt',
               'results/tiny/models/seeds/fsrgan_fa_seed1_vgg16_conv5_gem.pt',
               'results/tiny/models/seeds/fsrgan_fa_seed2_vgg16_conv5_gem.pt',
               'results/tiny/models/seeds/fsrgan_fa_db_seed1_vgg16_conv5_gem.pt',
               'results/tiny/models/seeds/fsrgan_fa_db_seed2_vgg16_conv5_gem.pt']

# %%
import torch
from fsrstudy.config import extractor_options
from fsrstudy.stages import seed_spread as spread_stage

torch.set_num_threads(threads)
spread = spread_stage.spread_over_seeds(
    manifest, ground_truth, features_dir, models_dir, table,
    backbone=seed_spread["backbone"] or backbones[0], factors=factors, methods=fits,
    seeds=seed_spread["seeds"], run_seed=seed, fsrgan=fsrgan, ridge=ridge, distill=distill,
    extractor=extractor_options(features), workers=threads, cross_fit_folds=cross_fit["folds"])

# %% [markdown]
# Mean and standard deviation over the seeds:

# %%
spread_stage.summarise(spread).round(4)
