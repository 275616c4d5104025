# %% [markdown]
# # 10 · Retrieval: low-resolution queries against the HR database
#
# Queries at every factor, as LR features (`lr`), super-resolved (`fsrgan`) and from
# SRCNN/VDSR-restored images (`srcnn`, `vdsr`); HR
# queries (`hr`) are the upper bound. Cosine ranking; Oxford-style AP (junk removed,
# trapezoid rule). Protocols: `synthetic_views` (positives: every view of the query's
# group) and `real_views` (positives: other real photos of the scene only; the query
# photo's own views are junk). mP@1/5/10 beside mAP, in revisitop's convention (junk
# removed, k capped at the rank of the last positive).

# %% tags=["parameters"]
manifest_csv = "results/demo/manifest.csv"
features_dir = "results/demo/features"
retrieval_csv = "results/demo/tables/retrieval.csv"
dataset = "demo"
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16, 64]
methods = ["lr", "fsrgan"]
protocols = ["synthetic_views", "real_views"]

# %%
from fsrstudy import figures, pipeline

table = pipeline.evaluate_retrieval(manifest_csv, features_dir, retrieval_csv,
                                    dataset=dataset, backbones_=backbones, factors=factors,
                                    protocol_names=protocols, methods=methods)
table.pivot_table(index=["protocol", "backbone", "method"], columns="factor", values="mAP")

# %%
figures.map_vs_factor(table);
