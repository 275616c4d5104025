# %% [markdown]
# # 13 · Low bit-rate mobile visual search
#
# The client sends a JPEG; the x-axis is what it sends (bytes x 8 per query). `hr`: the
# HR input as a JPEG at a sweep of qualities. At each factor, the small image as a JPEG
# at a few qualities, upscaled bicubically by the server (`lr`), then super-resolved
# (`fsrgan`, `fsrgan_db`), restored before description (`srcnn`, `vdsr`), or searched
# against the database described at the same factor (`matched`).

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
ground_truth_json = "results/demo/ground_truth.json"
images_dir = "results/demo/images"
features_dir = "results/demo/features"
models_dir = "results/demo/models"
out_csv = "results/demo/tables/lowbitrate.csv"
factors = [4, 9, 16, 64]
hr_qualities = [10, 25, 50, 75, 95]
lr_qualities = [25, 75]
fsr_methods = ["fsrgan"]
isr_methods = []
distill_methods = []  # distilled query networks (distill.enabled)
extractor = {"source": "offline_vgg16", "poolings": ["gem", "mac"], "gem_p": 3.0,
             "batch_size": "auto", "device": "auto", "precision": "auto",
             "engine": "auto"}
# the config's `isr` section: device, precision, engine of the restorations
isr = {"device": "auto", "precision": "auto", "engine": "auto"}
threads = 2
seed = 0  # of the bootstrap resamples of the queries (the mAP intervals)

# %%
import torch
from fsrstudy.report import figures
from fsrstudy.stages import lowbitrate

torch.set_num_threads(threads)
table = lowbitrate.low_bitrate(manifest_csv, ground_truth_json, images_dir, features_dir,
                                 models_dir, out_csv, factors=factors,
                                 hr_qualities=hr_qualities, lr_qualities=lr_qualities,
                                 fsr_methods=fsr_methods, isr_methods=isr_methods,
                                 extractor=extractor, isr=isr,
                                 distill_methods=distill_methods, seed=seed)
table.pivot_table(index=["dataset", "protocol", "backbone", "method", "factor", "quality"],
                  values=["bits", "mAP"]).round(4)

# %%
figures.map_vs_bits(table);
