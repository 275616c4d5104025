# %% [markdown]
# # 06 · Train the image super-resolution baselines: SRCNN and VDSR
#
# Trained here (no registry ships their weights) on aligned luminance patches of the
# train split's HR inputs and their low-resolution copies (where the run has no train
# split: of the database images of photos no query comes from; column `fitted_on`).
# SRCNN (9-1-5, 64/32 filters): one model per factor, Adam. VDSR (20 layers, 64
# channels, residual): one model for all factors, SGD with adjustable gradient clipping.
# Steps and patch counts come from the config; a CPU run trains far fewer steps than the
# papers (see the cost table).
# With `isr.reuse`, a model trained before by this same stage is reused instead when its
# recorded recipe (method, factors, schedule, seed, sha256 of the training pixels) is
# this run's; the `how` column says which happened and why.

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
images_dir = "results/demo/images"
models_dir = "results/demo/models"
loss_csv = "results/demo/tables/isr_loss.csv"
cost_csv = "results/demo/tables/isr_cost.csv"
factors = [4, 9, 16, 64]
methods = {}
seed = 0
device = "auto"
precision = "auto"
reuse_dir = None  # models trained before (isr.reuse): reused when their recipe matches
retrain = False
threads = 2

# %%
import torch
from fsrstudy.report import figures
from fsrstudy.stages import isr as isr_stage

torch.set_num_threads(threads)
cost = isr_stage.train_isr(manifest_csv, images_dir, models_dir, loss_csv, cost_csv,
                           factors=factors, methods=methods, seed=seed, device=device,
                           precision=precision, reuse_dir=reuse_dir, retrain=retrain)
cost

# %%
import pandas as pd

figures.isr_training_curve(pd.read_csv(loss_csv));
