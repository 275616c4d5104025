# %% [markdown]
# # 04 · Fit ridge: a closed-form linear map from LR to HR features, per factor
#
# F_SR = F_LR + (F_LR - mean_LR) W + (mean_HR - mean_LR), W = (X'X + alpha I)^-1
# X'(Y - X) on the centred pairs of one factor: a linear correction that shrinks towards
# the identity; the baseline a learned feature super-resolution has to beat. `training_data`:
# the train split (method `ridge`) or the database's own images (`ridge_db`). The
# regularisation alpha (relative to the mean eigenvalue of X'X) is chosen on a seeded
# fraction of the fitting rows' groups (on the database: its source photos, so that no
# relevance label is used), then the map is refitted on all of them. `family`
# mean_shift (`mean_shift`, `mean_shift_db`): the same map at alpha = inf, i.e. W = I:
# the LR feature plus the mean correction alone, the baseline that says how much of any
# method's gain a shift gives.

# %% tags=["parameters"]
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
ridge = {'enabled': True,
         'alphas': [0.0001, 0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0],
         'validation_fraction': 0.2}
cross_fit = {'folds': 2}
# [family, training data]: ridge, or mean_shift (the limit alpha -> inf: F_LR + the mean
# correction), on the train split or the database
fit = ['ridge', 'train_split']
manifest = 'results/tiny/manifest.csv'
hr = ['results/tiny/features/vgg16_conv5_gem/hr_f1.npy']
lr = ['results/tiny/features/vgg16_conv5_gem/lr_f4.npy',
      'results/tiny/features/vgg16_conv5_gem/lr_f16.npy']
models = ['results/tiny/models/ridge_vgg16_conv5_gem.pt']
validation = 'results/tiny/tables/ridge_validation.csv'

# %%
import torch
from fsrstudy.stages import train as train_stage

torch.set_num_threads(threads)
family, training_data = fit
table = train_stage.fit_ridge(manifest, features_dir, models_dir, validation,
                              backbone_names=backbones, factors=factors,
                              training_data=training_data, alphas=ridge["alphas"],
                              validation_fraction=ridge["validation_fraction"], seed=seed,
                              folds=cross_fit["folds"], family=family)

# %% [markdown]
# Validation distance (mean ||F_SR - F_HR||, L2-normalised, on the held-out rows) per alpha; the
# chosen alpha of each factor is marked.

# %%
table.pivot_table(index=["backbone", "fold", "factor"], columns="alpha",
                  values="validation_distance").round(4)

# %%
table[table["chosen"]][["backbone", "fold", "factor", "alpha", "validation_distance", "n_fit",
                        "n_validation"]]
