# %% [markdown]
# # 01 · Prepare: the embedded photo set as a manifest
#
# Real photographs from registry packages (see `data/demo/photos.csv` for each photo's
# source and licence). Each photo yields views: view 0 is the photo (a query when the
# photo is held out), the others are seeded synthetic views (crop, perspective,
# rotation, photometric change, JPEG). Train and evaluation photos never share a group.

# %% tags=["parameters"]
photos_csv = "data/demo/photos.csv"
manifest_csv = "results/demo/manifest.csv"
bad_csv = "results/demo/bad_images.csv"
seed = 0
views_per_photo = 5
train_views_per_photo = 9
test_fraction = 0.4
max_photos = None
bad_images = "skip"

# %%
from fsrstudy import pipeline

manifest, bad = pipeline.prepare(
    photos_csv, manifest_csv, bad_csv, seed=seed, views_per_photo=views_per_photo,
    train_views_per_photo=train_views_per_photo, test_fraction=test_fraction,
    max_photos=max_photos, bad_images=bad_images)
manifest.groupby("split").agg(images=("image_id", "count"), photos=("photo_id", "nunique"),
                              groups=("group", "nunique"))

# %% [markdown]
# Images left out because they could not be read (listed by name, also in `bad_images.csv`):

# %%
bad

# %%
manifest.head(8)
