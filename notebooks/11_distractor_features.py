# %% [markdown]
# # 11 · Distractor features (revisitop1m)
#
# HR descriptors of the fetched revisitop1m distractors, streamed batch by batch into
# one memory-mapped (N, D) array per backbone: a million images are never stacked.
# Unreadable distractors get a zero row (they match nothing) and are listed.

# %% tags=["parameters"]
list_file = "data/external/downloads/revisitop1m.txt"
images_dir = "data/external/revisitop1m/images"
features_dir = "results/paper/features"
bad_csv = "results/paper/distractors_bad_images.csv"
input_size = 224
extractor = {"source": "offline_vgg16", "poolings": ["gem", "mac"], "gem_p": 3.0,
             "batch_size": 16, "device": "auto", "precision": "auto",
             "engine": "auto"}
threads = 2

# %%
import torch
from fsrstudy import distractors

torch.set_num_threads(threads)
distractors.extract_features(list_file, images_dir, features_dir, bad_csv,
                             input_size=input_size, **extractor)
