# %% [markdown]
# # 07 · Restore the held-out low-resolution images with SRCNN and VDSR
#
# PSNR and SSIM on the luminance (borders of `scale` pixels shaved), against bicubic.

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
images_dir = "results/demo/images"
models_dir = "results/demo/models"
quality_csv = "results/demo/tables/isr_quality.csv"
factors = [4, 9, 16, 64]
methods = ["srcnn", "vdsr"]
device = "auto"
precision = "auto"
engine = "auto"
threads = 2

# %%
import torch
from fsrstudy.report import figures, style
from fsrstudy.stages import isr as isr_stage

torch.set_num_threads(threads)
quality = isr_stage.restore_isr(manifest_csv, images_dir, models_dir, quality_csv,
                                factors=factors, methods=methods, device=device,
                                precision=precision, engine=engine)
style.by_ratio(quality.pivot_table(index="method", columns="factor",
                                   values=["psnr", "ssim"])).round(3)

# %%
figures.isr_quality(quality);
