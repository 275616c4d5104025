# %% [markdown]
# # 06 · Train the image super-resolution baselines: SRCNN and VDSR
#
# Trained here (no registry ships their weights) on aligned luminance patches of the
# train split's HR inputs and their low-resolution copies (where the run has no train
# split: of the database images of photos no query comes from; column `fitted_on`).
# SRCNN (9-1-5, 64/32 filters): one model per factor, Adam. VDSR (20 layers, 64
# channels, residual): one model for all factors, SGD with adjustable gradient clipping.
# Steps and patch counts come from the config; a CPU run trains far fewer steps than the
# papers (see the cost table).
# With `isr.reuse`, a model trained before by this same stage is reused instead when its
# recorded recipe (method, factors, schedule, seed, sha256 of the training pixels) is
# this run's; the `how` column says which happened and why.

# %% tags=["parameters"]
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
isr = {'precision': 'fp32',
       'engine': 'default',
       'srcnn': {'steps': 20,
                 'batch_size': 8,
                 'patch': 17,
                 'optimizer': 'adam',
                 'lr': 0.001,
                 'momentum': 0.9,
                 'weight_decay': 0.0,
                 'clip_theta': 0.0,
                 'lr_decay_every': 0},
       'vdsr': {'steps': 5,
                'batch_size': 4,
                'patch': 17,
                'lr': 1e-05,
                'optimizer': 'adam',
                'clip_theta': 0.0,
                'weight_decay': 0.0,
                'lr_decay_every': 600,
                'momentum': 0.9},
       'methods': ['srcnn', 'vdsr'],
       'reuse': 'data/models/isr',
       'device': 'auto',
       'retrain': False}
methods = ['srcnn', 'vdsr']
manifest = 'results/tiny/manifest.csv'
stacks = ['results/tiny/images/f1.npy',
          'results/tiny/images/f4.npy',
          'results/tiny/images/f16.npy']
reusable = ['data/models/isr/srcnn_f4.pt',
            'data/models/isr/srcnn_f16.pt',
            'data/models/isr/vdsr.pt']
models = ['results/tiny/models/srcnn_f4.pt',
          'results/tiny/models/srcnn_f16.pt',
          'results/tiny/models/vdsr.pt']
loss = 'results/tiny/tables/isr_loss.csv'
cost = 'results/tiny/tables/isr_cost.csv'

# %%
import torch
from fsrstudy.report import figures
from fsrstudy.stages import isr as isr_stage

torch.set_num_threads(threads)
costs = isr_stage.train_isr(manifest, images_dir, models_dir, loss, cost, factors=factors,
                            methods={m: isr[m] for m in methods}, seed=seed,
                            device=isr["device"], precision=isr["precision"],
                            reuse_dir=isr["reuse"], retrain=isr["retrain"])
costs

# %%
import pandas as pd

figures.isr_training_curve(pd.read_csv(loss));
