# %% [markdown]
# # 01 · Prepare: the run's datasets as one manifest, with their ground truth
#
# Each dataset of the config becomes manifest rows (image, dataset, group, split
# query/database/train, and whether it trains FSR-GAN and the ISR models) plus the
# relevance of every protocol, by image id, in `ground_truth.json`.
# - demo: real photographs from registry packages (sources and licences in
#   `data/demo/photos.csv`); view 0 of a held-out photo is the query, the other views
#   are seeded synthetic views; train and evaluation photos never share a group.
# - oxford5k / paris6k: queries cropped to their boxes, original and revisited
#   (Easy/Medium/Hard) protocols; holidays: first image of a group is the query. Either
#   downloaded, or a copy already on disk (`images`, `ground_truth`), whole or partial.
# - csv: a user's folder of images with a CSV (image, group, role, optional box).
#
# Each training-data option the feature-SR models will be fitted on must select images
# (the run stops here otherwise); with `augment.views_per_image`, each of those images
# gets that many extra seeded views (split fit_train / fit_database), used only to fit.
#
# Unusable images (unreadable, a side under `min_side`, more elongated than `max_aspect`)
# and, in a csv set, queries with nothing to find are listed below by file and csv line
# (and in `bad_images.csv`) and left out; with `bad_images: fail` the run stops here.

# %% tags=["parameters"]
datasets = [{"kind": "demo"}]
data_dir = "data/external"
manifest_csv = "results/demo/manifest.csv"
bad_csv = "results/demo/bad_images.csv"
ground_truth_json = "results/demo/ground_truth.json"
coverage_csv = "results/demo/tables/dataset_coverage.csv"
coverage_queries_csv = "results/demo/tables/dataset_coverage_per_query.csv"
seed = 0
training_data = ["train_split", "database"]
fitting_views = 0
isr = True
cross_fit_folds = 5

# %%
from fsrstudy.stages import data as data_stage

manifest, bad, query_sets, coverage = data_stage.prepare(
    datasets, data_dir, manifest_csv, bad_csv, ground_truth_json, coverage_csv,
    coverage_queries_csv, seed=seed, training_data=training_data,
    fitting_views=fitting_views, isr=isr, cross_fit_folds=cross_fit_folds)
manifest.groupby(["dataset", "split", "train"]).agg(
    images=("image_id", "count"), photos=("photo_id", "nunique"), groups=("group", "nunique"))

# %% [markdown]
# Protocols: queries, and mean positives and junk per query.

# %%
import pandas as pd

pd.DataFrame([{"dataset": s.dataset, "protocol": s.protocol, "queries": len(s.queries),
               "positives": sum(map(len, s.positives)) / max(1, len(s.queries)),
               "junk": sum(map(len, s.junk)) / max(1, len(s.queries))} for s in query_sets])

# %% [markdown]
# The paper's sets (Oxford5K, Paris6K, Holidays): what the images at hand cover of the
# published ground truth, per protocol. `check`: whether the ground-truth file is the
# published one. A complete copy keeps every query; in a partial copy a query whose
# image is absent (`image_missing`) or that has no positive left (`no_positive`) is
# dropped, and positives and junk count only the images present
# (`dataset_coverage_per_query.csv` lists every query). Empty for the other kinds.

# %%
coverage

# %% [markdown]
# Images and rows left out, and why:

# %%
bad

# %%
manifest.head(8)
