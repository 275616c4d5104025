# %% [markdown]
# # 12 · Large-scale retrieval: the database plus distractors
#
# Each query is searched in its dataset's database plus the first n distractors, for a
# range of n. Distractors: `train_only` (default run: the images of groups never used
# as queries, i.e. the train-only rows, at the method's database resolution) or
# `revisitop1m` (HR features, memory-mapped). Exact: a distractor changes AP only by the
# positives it outranks, counted in one pass over shards (`fsrstudy.evaluation.large_scale`);
# mP@k from the same ranks. `matched` needs LR distractors, so it is left out with
# revisitop1m.

# %% tags=["parameters"]
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
retrieval = {'protocols': None, 'distractors': 'auto', 'distractor_sizes': None}
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
           'vdsr',
           'matched']
source = 'train_only'
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
distractors = []
table = 'results/tiny/tables/large_scale.csv'

# %%
from fsrstudy.report import figures
from fsrstudy.stages import distractors as distractor_stage

measured = distractor_stage.large_scale(
    manifest, ground_truth, features_dir, table, backbone_names=backbones, factors=factors,
    methods=methods, source=source, sizes=retrieval["distractor_sizes"],
    protocols=retrieval["protocols"], seed=seed)
measured.pivot_table(index=["dataset", "protocol", "backbone", "method", "factor"],
                  columns="n_distractors", values="mAP")

# %%
figures.map_vs_distractors(measured);
