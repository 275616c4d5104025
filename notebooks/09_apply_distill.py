# %% [markdown]
# # 05 · The distilled students' descriptors of the evaluation images
#
# Each student (`distill`, `distill_db`) reads the pool4 maps of the held-out images at
# every factor and gives their descriptors (L2-normalised), written like any method's
# features; the rows it was not applied to (the fitting images) are NaN. A `distill_db`
# cross-fitted over the query photos maps each row by the fold student that never saw
# its photo (the fits table below).

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
methods = ['distill', 'distill_db']
manifest = 'results/tiny/manifest.csv'
models = ['results/tiny/models/distill_vgg16_conv5_gem.pt',
          'results/tiny/models/distill_db_vgg16_conv5_gem.pt']
maps = ['results/tiny/features/pool4/lr_f4.npy', 'results/tiny/features/pool4/lr_f16.npy']
hr = ['results/tiny/features/vgg16_conv5_gem/hr_f1.npy']
distilled = ['results/tiny/features/vgg16_conv5_gem/distill_f4.npy',
             'results/tiny/features/vgg16_conv5_gem/distill_f16.npy',
             'results/tiny/features/vgg16_conv5_gem/distill_db_f4.npy',
             'results/tiny/features/vgg16_conv5_gem/distill_db_f16.npy']
fits = 'results/tiny/tables/distill_fits.csv'

# %%
import torch
from fsrstudy.stages import train as train_stage

torch.set_num_threads(threads)
train_stage.apply_distill(manifest, features_dir, models_dir, fits,
                          backbone_names=backbones, factors=factors, methods=methods,
                          batch_size=features["batch_size"], device=distill["device"])
