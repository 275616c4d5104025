# %% [markdown]
# # 07 · Restore the held-out low-resolution images with SRCNN and VDSR
#
# PSNR and SSIM on the luminance (borders of `scale` pixels shaved), against bicubic.

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
models = ['results/tiny/models/srcnn_f4.pt',
          'results/tiny/models/srcnn_f16.pt',
          'results/tiny/models/vdsr.pt']
restored = ['results/tiny/images/srcnn_f4.npy',
            'results/tiny/images/srcnn_f16.npy',
            'results/tiny/images/vdsr_f4.npy',
            'results/tiny/images/vdsr_f16.npy']
quality = 'results/tiny/tables/isr_quality.csv'

# %%
import torch
from fsrstudy.report import figures, style
from fsrstudy.stages import isr as isr_stage

torch.set_num_threads(threads)
measured = isr_stage.restore_isr(manifest, images_dir, models_dir, quality, factors=factors,
                                 methods=methods, device=isr["device"],
                                 precision=isr["precision"], engine=isr["engine"])
style.by_ratio(measured.pivot_table(index="method", columns="factor",
                                   values=["psnr", "ssim"])).round(3)

# %%
figures.isr_quality(measured);
