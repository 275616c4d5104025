# %% [markdown]
# # 04 · Train FSR-GAN
#
# Generator and WGAN critic as in the paper's tables (Leaky ReLU; a learned linear lift
# to 4096 = 64 x 64 for other feature sizes). Loss of G: -E[D(F_SR)] + mean
# ||F_SR - F_HR||_2^r. Adam, every factor mixed. `training_data`: the train split
# (method `fsrgan`) or the database's own images (`fsrgan_db`: their degraded copies,
# no query image, no label). `family` fsrgan_fa (not in the paper): the generator is
# also told each row's down-scaling factor. The checkpoint records the configuration
# and seed.

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
features_dir = "results/demo/features"
models_dir = "results/demo/models"
loss_csv = "results/demo/tables/fsrgan_loss.csv"
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16, 64]
fsrgan = {}
training_data = "train_split"
# fsrgan: the paper's generator; fsrgan_fa: the same, told each row's factor
family = "fsrgan"
seed = 0
# models per method fitted on the database when its images share photos with queries
cross_fit_folds = 5
threads = 2

# %%
import torch
from fsrstudy.models import training
from fsrstudy.report import figures
from fsrstudy.stages import train as train_stage

torch.set_num_threads(threads)
options = {k: v for k, v in fsrgan.items() if k not in ("device", "training_data")}
cfg = training.FSRGANConfig(seed=seed, factor_aware=family == "fsrgan_fa", **options)
log = train_stage.train_fsrgan(manifest_csv, features_dir, models_dir, loss_csv,
                               backbone_names=backbones, factors=factors, cfg=cfg,
                               device=fsrgan.get("device", "auto"), training_data=training_data,
                               family=family, folds=cross_fit_folds, seed=seed)
cfg

# %%
log.groupby(["backbone", "fold", "epoch"])[["distance", "adversarial", "loss_critic"]].mean()

# %%
figures.training_curve(log);
