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
manifest_csv = "results/demo/manifest.csv"
features_dir = "results/demo/features"
models_dir = "results/demo/models"
validation_csv = "results/demo/tables/ridge_validation.csv"
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16, 64]
ridge = {"alphas": [0.0001, 0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0],
         "validation_fraction": 0.2}
training_data = "train_split"
# ridge, or mean_shift: the limit alpha -> inf (F_LR + the mean correction)
family = "ridge"
seed = 0
cross_fit_folds = 5
threads = 2

# %%
import torch
from fsrstudy.stages import train as train_stage

torch.set_num_threads(threads)
table = train_stage.fit_ridge(manifest_csv, features_dir, models_dir, validation_csv,
                              backbone_names=backbones, factors=factors,
                              training_data=training_data, alphas=ridge["alphas"],
                              validation_fraction=ridge["validation_fraction"], seed=seed,
                              folds=cross_fit_folds, family=family)

# %% [markdown]
# Validation distance (mean ||F_SR - F_HR||, L2-normalised, on the held-out rows) per alpha; the
# chosen alpha of each factor is marked.

# %%
table.pivot_table(index=["backbone", "fold", "factor"], columns="alpha",
                  values="validation_distance").round(4)

# %%
table[table["chosen"]][["backbone", "fold", "factor", "alpha", "validation_distance", "n_fit",
                        "n_validation"]]
