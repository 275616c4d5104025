# %% [markdown]
# # 09 · Analysis: distance of low-resolution and super-resolved features to HR
#
# The paper's Intro analysis on held-out images: per factor and method (LR features,
# FSR-GAN, features of SRCNN/VDSR-restored images), the mean Euclidean
# distance to the image's HR feature and its variance. References: HR features of
# different images of one group (the paper's "similar images") and of other groups.

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
features_dir = "results/demo/features"
distance_csv = "results/demo/tables/distance.csv"
per_image_csv = "results/demo/tables/distance_per_image.csv"
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16, 64]
methods = ["lr", "fsrgan"]
seed = 0

# %%
from fsrstudy.report import figures
from fsrstudy.stages import analysis as analysis_stage

table = analysis_stage.analyse_distances(manifest_csv, features_dir, distance_csv, per_image_csv,
                                         backbone_names=backbones, factors=factors, methods=methods,
                                         seed=seed)
table

# %%
figures.distance_vs_factor(table);

# %%
figures.variance_vs_factor(table);
