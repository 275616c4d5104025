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
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
datasets = [{'name': 'demo',
             'kind': 'demo',
             'bad_images': 'skip',
             'min_side': 32,
             'max_aspect': 4,
             'use': 'groups',
             'photos_csv': 'data/demo/photos.csv',
             'max_photos': 14,
             'views_per_photo': 3,
             'train_views_per_photo': 3,
             'test_fraction': 0.4}]
augment = {'views_per_image': 0}
cross_fit = {'folds': 2}
data_dir = 'data/external'
training_data = ['train_split', 'database']
isr = True
data = ['data/demo/photos.csv']
manifest = 'results/tiny/manifest.csv'
bad_images = 'results/tiny/bad_images.csv'
ground_truth = 'results/tiny/ground_truth.json'
coverage = 'results/tiny/tables/dataset_coverage.csv'
coverage_per_query = 'results/tiny/tables/dataset_coverage_per_query.csv'

# %%
from fsrstudy.stages import data as data_stage

rows, bad, query_sets, covered = data_stage.prepare(
    datasets, data_dir, manifest, bad_images, ground_truth, coverage, coverage_per_query,
    seed=seed, training_data=training_data, fitting_views=augment["views_per_image"],
    isr=isr, cross_fit_folds=cross_fit["folds"])
rows.groupby(["dataset", "split", "train"]).agg(
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
covered

# %% [markdown]
# Images and rows left out, and why:

# %%
bad

# %%
rows.head(8)
