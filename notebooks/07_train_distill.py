# %% [markdown]
# # 04 · Distil a query network for low-resolution images
#
# Asymmetric distillation (after Suma and Tolias, WACV 2023; not in the FSR-GAN paper):
# the database keeps the frozen VGG16's HR descriptors; the student, a copy of VGG16's
# layers after pool4, learns without labels to give the HR descriptor of an image from
# the pool4 maps of its low-resolution copy (loss: squared distance between the
# L2-normalised output and the HR descriptor; every factor mixed; Adam). It starts as
# the teacher's exact copy, i.e. as the plain LR descriptor. `training_data`: the train
# split (method `distill`) or the database's own images (`distill_db`; no query image,
# no label). The checkpoint records the configuration and seed.

# %% tags=["parameters"]
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
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
fit = ['distill', 'train_split']  # [family, training data]
manifest = 'results/tiny/manifest.csv'
hr = ['results/tiny/features/vgg16_conv5_gem/hr_f1.npy']
maps = ['results/tiny/features/pool4/lr_f4.npy', 'results/tiny/features/pool4/lr_f16.npy']
models = ['results/tiny/models/distill_vgg16_conv5_gem.pt']
loss = 'results/tiny/tables/distill_loss.csv'

# %%
import torch
from fsrstudy.models.distill import DistillConfig
from fsrstudy.stages import train as train_stage

torch.set_num_threads(threads)
cfg = DistillConfig.from_section(distill, seed=seed)
log = train_stage.train_distill(manifest, features_dir, models_dir, loss,
                                backbone_names=backbones, factors=factors,
                                source=features["source"], gem_p=features["gem_p"], cfg=cfg,
                                device=distill.get("device", "auto"), training_data=fit[1],
                                folds=cross_fit["folds"],
                                seed=seed)
cfg

# %% [markdown]
# Mean training distance per epoch and factor (epoch 0 starts at the plain LR descriptor's
# distance to HR):

# %%
log.pivot_table(index=["backbone", "fold", "epoch"], columns="factor", values="distance")
