# %% [markdown]
# # 13 · Low bit-rate mobile visual search
#
# The client sends a JPEG; the x-axis is what it sends (bytes x 8 per query). `hr`: the
# HR input as a JPEG at a sweep of qualities. At each factor, the small image as a JPEG
# at a few qualities, upscaled bicubically by the server (`lr`), then super-resolved
# (`fsrgan`, `fsrgan_db`), restored before description (`srcnn`, `vdsr`), or searched
# against the database described at the same factor (`matched`).

# %% tags=["parameters"]
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
lowbitrate = {'hr_qualities': [25, 75], 'lr_qualities': [50], 'enabled': True}
features = {'poolings': ['gem'],
            'batch_size': 8,
            'precision': 'fp32',
            'engine': 'default',
            'source': 'offline_vgg16',
            'device': 'auto',
            'gem_p': 3,
            'shards': 1}
# the config's `isr` section: device, precision, engine of the restorations
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
fsr_methods = ['fsrgan',
               'fsrgan_db',
               'fsrgan_fa',
               'fsrgan_fa_db',
               'ridge',
               'ridge_db',
               'mean_shift',
               'mean_shift_db']
isr_methods = ['srcnn', 'vdsr']
distill_methods = ['distill', 'distill_db']  # distilled query networks (distill.enabled)
manifest = 'results/tiny/manifest.csv'
ground_truth = 'results/tiny/ground_truth.json'
hr = ['results/tiny/features/vgg16_conv5_gem/hr_f1.npy']
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
distilled = ['results/tiny/features/vgg16_conv5_gem/distill_f4.npy',
             'results/tiny/features/vgg16_conv5_gem/distill_f16.npy',
             'results/tiny/features/vgg16_conv5_gem/distill_db_f4.npy',
             'results/tiny/features/vgg16_conv5_gem/distill_db_f16.npy']
restored_features = ['results/tiny/features/vgg16_conv5_gem/srcnn_f4.npy',
                     'results/tiny/features/vgg16_conv5_gem/srcnn_f16.npy',
                     'results/tiny/features/vgg16_conv5_gem/vdsr_f4.npy',
                     'results/tiny/features/vgg16_conv5_gem/vdsr_f16.npy']
stacks = ['results/tiny/images/f1.npy',
          'results/tiny/images/f4.npy',
          'results/tiny/images/f16.npy']
fsr_models = ['results/tiny/models/fsrgan_vgg16_conv5_gem.pt',
              'results/tiny/models/fsrgan_db_vgg16_conv5_gem.pt',
              'results/tiny/models/fsrgan_fa_vgg16_conv5_gem.pt',
              'results/tiny/models/fsrgan_fa_db_vgg16_conv5_gem.pt',
              'results/tiny/models/ridge_vgg16_conv5_gem.pt',
              'results/tiny/models/ridge_db_vgg16_conv5_gem.pt',
              'results/tiny/models/mean_shift_vgg16_conv5_gem.pt',
              'results/tiny/models/mean_shift_db_vgg16_conv5_gem.pt',
              'results/tiny/models/distill_vgg16_conv5_gem.pt',
              'results/tiny/models/distill_db_vgg16_conv5_gem.pt']
isr_models = ['results/tiny/models/srcnn_f4.pt',
              'results/tiny/models/srcnn_f16.pt',
              'results/tiny/models/vdsr.pt']
table = 'results/tiny/tables/lowbitrate.csv'

# %%
import torch
from fsrstudy.config import extractor_options
from fsrstudy.report import figures
from fsrstudy.stages import lowbitrate as lowbitrate_stage

torch.set_num_threads(threads)
measured = lowbitrate_stage.low_bitrate(
    manifest, ground_truth, images_dir, features_dir, models_dir, table, factors=factors,
    hr_qualities=lowbitrate["hr_qualities"], lr_qualities=lowbitrate["lr_qualities"],
    fsr_methods=fsr_methods, isr_methods=isr_methods, extractor=extractor_options(features),
    isr=isr, distill_methods=distill_methods, seed=seed)
measured.pivot_table(index=["dataset", "protocol", "backbone", "method", "factor", "quality"],
                  values=["bits", "mAP"]).round(4)

# %%
figures.map_vs_bits(measured);
