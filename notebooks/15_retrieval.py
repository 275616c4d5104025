# %% [markdown]
# # 10 · Retrieval: low-resolution queries against the HR database
#
# Queries at every factor, as LR features (`lr`), super-resolved (`fsrgan`: FSR-GAN
# trained on the train split; `fsrgan_db`: fitted on the database's own degraded images;
# `ridge` / `ridge_db`: a closed-form linear map per factor fitted on the same data), by
# the distilled query networks when enabled (`distill` / `distill_db`: VGG16's layers
# after pool4 trained to give the HR descriptor from the LR image's pool4 maps) and
# from SRCNN/VDSR-restored images (`srcnn`, `vdsr`), all against the HR database;
# `matched`: the LR query against the database re-extracted at the query's factor (one
# index per factor). HR queries (`hr`) are the upper bound. Cosine ranking; Oxford-style
# AP (junk removed, trapezoid rule), each dataset searched in its own HR database.
# Protocols come from `ground_truth.json`: demo `synthetic_views` (positives: every view
# of the query's group) and `real_views` (positives: other real photos of the scene
# only; the query photo's own views are junk); Oxford/Paris `original` and
# `revisited_easy|medium|hard`; Holidays `holidays` (query removed from its ranking);
# user sets `groups`. mP@1/5/10 beside mAP, in revisitop's convention (junk removed, k
# capped at the rank of the last positive).

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
spread = 'results/tiny/tables/seed_spread.csv'  # the seed spread's table, when the run has one
table = 'results/tiny/tables/retrieval.csv'
per_query = 'results/tiny/tables/retrieval_per_query.csv'

# %%
import pandas as pd
from fsrstudy.evaluation import comparison
from fsrstudy.report import figures, style
from fsrstudy.stages import analysis

measured, per_query_ap = analysis.evaluate_retrieval(
    manifest, ground_truth, features_dir, table, per_query, backbone_names=backbones,
    factors=factors, methods=methods, protocols=retrieval["protocols"], seed=seed)
style.by_ratio(measured.pivot_table(index=["dataset", "protocol", "backbone", "method"],
                                 columns="factor", values="mAP"))

# %%
figures.map_vs_factor(measured);

# %% [markdown]
# ## Where FSR-GAN stands against `matched`, `fsrgan_db` and the ridge maps
# Computed from the table above (mAP, per dataset, protocol, backbone and factor); a
# cell counts as "above" or "below" only where the paired bootstrap over its queries
# (every query's AP, the same resamples for both methods) excludes 0.

# %%
verdicts = comparison.fsrgan_against(measured)
print(comparison.summary(verdicts, per_query_ap, seed))
verdicts

# %% [markdown]
# ## Where every method stands against `matched`
# `matched` needs one database index per factor; every other method searches the one HR
# index. Per cell: the one-index method with the highest mAP, its share of `matched`'s
# mAP, and a paired bootstrap over the queries against the runner-up, `matched` and
# `lr`: "not distinguishable" where the interval of the difference holds 0. Below, every
# method's share of `matched` and of the HR - LR gap it recovers.

# %%
print(comparison.standings(measured, per_query_ap, seed))
style.by_ratio(comparison.against_matched(measured).pivot_table(
    index=["protocol", "backbone", "method"], columns="factor", values="of_matched")).round(3)

# %% [markdown]
# ## The same, with the spread over seeds
# Each fitted method refitted with every seed of `seed_spread.seeds` on one backbone
# (stage `14_seed_spread`; the run's own model stands in for its seed): mAP as mean +-
# standard deviation over the seeds, best first, and the mean's share of `matched`.
# Differences within about two standard deviations are not a ranking.

# %%
if spread:
    spread_table = pd.read_csv(spread)
    print(comparison.spread_standings(measured, spread_table))
    shown = comparison.spread_against_matched(measured, spread_table)
else:
    shown = "no seed spread in this run (seed_spread.enabled: false, or another run's models)"
shown
