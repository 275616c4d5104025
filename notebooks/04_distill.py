# %% [markdown]
# # 04 · Distil a query network for low-resolution images
#
# Asymmetric distillation (after Suma and Tolias, WACV 2023; not in the FSR-GAN paper):
# the database keeps the frozen VGG16's HR descriptors; the student, a copy of VGG16's
# layers after pool4, learns without labels to give the HR descriptor of an image from
# the pool4 maps of its low-resolution copy (loss: squared distance between the
# L2-normalised output and the HR descriptor; every factor mixed; Adam). It starts as
# the teacher's exact copy, i.e. as the plain LR descriptor. `training_data`: the train
# split (method `distill`) or the database's own images (`distill_db`; no query image,
# no label). The checkpoint records the configuration and seed.

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
features_dir = "results/demo/features"
models_dir = "results/demo/models"
loss_csv = "results/demo/tables/distill_loss.csv"
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16, 64]
source = "offline_vgg16"
gem_p = 3.0
distill = {}  # the config's `distill` section
training_data = "train_split"
seed = 0
cross_fit_folds = 5
threads = 2

# %%
import torch
from fsrstudy.models.distill import DistillConfig
from fsrstudy.stages import train as train_stage

torch.set_num_threads(threads)
options = {k: v for k, v in distill.items() if k in ("epochs", "batch_size", "lr")}
cfg = DistillConfig(seed=seed, **options)
log = train_stage.train_distill(manifest_csv, features_dir, models_dir, loss_csv,
                                backbone_names=backbones, factors=factors, source=source,
                                gem_p=gem_p, cfg=cfg, device=distill.get("device", "auto"),
                                training_data=training_data, folds=cross_fit_folds,
                                seed=seed)
cfg

# %% [markdown]
# Mean training distance per epoch and factor (epoch 0 starts at the plain LR descriptor's
# distance to HR):

# %%
log.pivot_table(index=["backbone", "fold", "epoch"], columns="factor", values="distance")
