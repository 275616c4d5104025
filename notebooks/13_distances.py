# %% [markdown]
# # 09 · Analysis: distance of low-resolution and super-resolved features to HR
#
# The paper's Intro analysis on held-out images: per factor and method (LR features,
# FSR-GAN, features of SRCNN/VDSR-restored images), the mean Euclidean
# distance to the image's HR feature and its variance. References: HR features of
# different images of one group (the paper's "similar images") and of other groups.

# %% tags=["parameters"]
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
methods = ['lr',
           'fsrgan',
           'fsrgan_db',
           'fsrgan_fa',
           'fsrgan_fa_db',
           'ridge',
           'ridge_db',
           'mean_shift',
           'mean_shift_db',
           'distill',
           'distill_db',
           'srcnn',
           'vdsr']
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
distance = 'results/tiny/tables/distance.csv'
per_image = 'results/tiny/tables/distance_per_image.csv'

# %%
from fsrstudy.report import figures
from fsrstudy.stages import analysis as analysis_stage

table = analysis_stage.analyse_distances(manifest, features_dir, distance, per_image,
                                         backbone_names=backbones, factors=factors,
                                         methods=methods, seed=seed)
table

# %%
figures.distance_vs_factor(table);

# %%
figures.variance_vs_factor(table);
