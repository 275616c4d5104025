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
manifest_csv = "results/demo/manifest.csv"
features_dir = "results/demo/features"
ground_truth_json = "results/demo/ground_truth.json"
retrieval_csv = "results/demo/tables/retrieval.csv"
per_query_csv = "results/demo/tables/retrieval_per_query.csv"
backbones = ["vgg16_conv5_gem", "vgg16_conv5_mac"]
factors = [4, 9, 16, 64]
methods = ["lr", "fsrgan"]
protocols = None  # all
seed = 0  # of the bootstrap resamples of the queries (the mAP intervals)
# the fitted methods refitted with other seeds (stage 09_seed_spread), when run
seed_spread_csv = None

# %%
import pandas as pd
from fsrstudy.evaluation import comparison
from fsrstudy.report import figures, style
from fsrstudy.stages import analysis

table, per_query = analysis.evaluate_retrieval(
    manifest_csv, ground_truth_json, features_dir, retrieval_csv, per_query_csv,
    backbone_names=backbones, factors=factors, methods=methods, protocols=protocols,
    seed=seed)
style.by_ratio(table.pivot_table(index=["dataset", "protocol", "backbone", "method"],
                                 columns="factor", values="mAP"))

# %%
figures.map_vs_factor(table);

# %% [markdown]
# ## Where FSR-GAN stands against `matched`, `fsrgan_db` and the ridge maps
# Computed from the table above (mAP, per dataset, protocol, backbone and factor); a
# cell counts as "above" or "below" only where the paired bootstrap over its queries
# (every query's AP, the same resamples for both methods) excludes 0.

# %%
verdicts = comparison.fsrgan_against(table)
print(comparison.summary(verdicts, per_query, seed))
verdicts

# %% [markdown]
# ## Where every method stands against `matched`
# `matched` needs one database index per factor; every other method searches the one HR
# index. Per cell: the one-index method with the highest mAP, its share of `matched`'s
# mAP, and a paired bootstrap over the queries against the runner-up, `matched` and
# `lr`: "not distinguishable" where the interval of the difference holds 0. Below, every
# method's share of `matched` and of the HR - LR gap it recovers.

# %%
print(comparison.standings(table, per_query, seed))
style.by_ratio(comparison.against_matched(table).pivot_table(
    index=["protocol", "backbone", "method"], columns="factor", values="of_matched")).round(3)

# %% [markdown]
# ## The same, with the spread over seeds
# Each fitted method refitted with every seed of `seed_spread.seeds` on one backbone
# (stage `09_seed_spread`; the run's own model stands in for its seed): mAP as mean +-
# standard deviation over the seeds, best first, and the mean's share of `matched`.
# Differences within about two standard deviations are not a ranking.

# %%
if seed_spread_csv:
    spread = pd.read_csv(seed_spread_csv)
    print(comparison.spread_standings(table, spread))
    shown = comparison.spread_against_matched(table, spread)
else:
    shown = "no seed spread in this run (seed_spread.enabled: false, or another run's models)"
shown
