# %% [markdown]
# # 08 · Features of the ISR-restored images
#
# The same extractor as stage 03, on the restored held-out images; rows of the train
# split (never restored) are NaN in these arrays.

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
methods = ['srcnn', 'vdsr']
manifest = 'results/tiny/manifest.csv'
restored = ['results/tiny/images/srcnn_f4.npy',
            'results/tiny/images/srcnn_f16.npy',
            'results/tiny/images/vdsr_f4.npy',
            'results/tiny/images/vdsr_f16.npy']
restored_features = ['results/tiny/features/vgg16_conv5_gem/srcnn_f4.npy',
                     'results/tiny/features/vgg16_conv5_gem/srcnn_f16.npy',
                     'results/tiny/features/vgg16_conv5_gem/vdsr_f4.npy',
                     'results/tiny/features/vgg16_conv5_gem/vdsr_f16.npy']

# %%
import torch
from fsrstudy.config import extractor_options
from fsrstudy.stages import isr as isr_stage

torch.set_num_threads(threads)
isr_stage.extract_isr_features(manifest, images_dir, features_dir, factors=factors,
                              methods=methods, **extractor_options(features))
