# %% [markdown]
# # 04 · Train FSR-GAN
#
# Generator and WGAN critic as in the paper's tables (Leaky ReLU; a learned linear lift
# to 4096 = 64 x 64 for other feature sizes). Loss of G: -E[D(F_SR)] + mean
# ||F_SR - F_HR||_2^r. Adam, every factor mixed. `training_data`: the train split
# (method `fsrgan`) or the database's own images (`fsrgan_db`: their degraded copies,
# no query image, no label). `family` fsrgan_fa (not in the paper): the generator is
# also told each row's down-scaling factor. The checkpoint records the configuration
# and seed.

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
cross_fit = {'folds': 2}
# [family, training data]: fsrgan (the paper's generator) or fsrgan_fa (also told each
# row's factor), on the train split or the database
fit = ['fsrgan', 'train_split']
manifest = 'results/tiny/manifest.csv'
hr = ['results/tiny/features/vgg16_conv5_gem/hr_f1.npy']
lr = ['results/tiny/features/vgg16_conv5_gem/lr_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/lr_f16.npy']
models = ['results/tiny/models/fsrgan_vgg16_conv5_gem.pt']
loss = 'results/tiny/tables/fsrgan_loss.csv'

# %%
import torch
from fsrstudy.models import fsrgan_training
from fsrstudy.report import figures
from fsrstudy.stages import train as train_stage

torch.set_num_threads(threads)
family, training_data = fit
cfg = fsrgan_training.FSRGANConfig.from_section(fsrgan, seed=seed,
                                                factor_aware=family == "fsrgan_fa")
log = train_stage.train_fsrgan(manifest, features_dir, models_dir, loss,
                               backbone_names=backbones, factors=factors, cfg=cfg,
                               device=fsrgan.get("device", "auto"), training_data=training_data,
                               family=family, folds=cross_fit["folds"], seed=seed)
cfg

# %%
log.groupby(["backbone", "fold", "epoch"])[["distance", "adversarial", "loss_critic"]].mean()

# %%
figures.training_curve(log);
