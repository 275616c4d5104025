# %% [markdown]
# # 02 · Degrade: HR network inputs and low-resolution copies
#
# Each view is resized to the HR input (square, `input_size`); each low-resolution copy
# is that input downscaled by the linear factor sqrt(area factor) with antialiasing,
# then bicubic-upscaled back to the input size.

# %% tags=["parameters"]
seed = 0
backbones = ['vgg16_conv5_gem']
factors = [4, 16]
threads = 1
images_dir = 'results/tiny/images'
features_dir = 'results/tiny/features'
models_dir = 'results/tiny/models'
degrade = {'input_size': 64, 'factors': [4, 16]}
manifest = 'results/tiny/manifest.csv'
stacks = ['results/tiny/images/f1.npy',
          'results/tiny/images/f4.npy',
          'results/tiny/images/f16.npy']
ids = 'results/tiny/images/ids.txt'

# %%
import matplotlib.pyplot as plt
import numpy as np
from fsrstudy import run_files
from fsrstudy.stages import data as data_stage

summary = data_stage.degrade_images(manifest, images_dir, input_size=degrade["input_size"],
                                    factors=factors, workers=threads)
summary

# %% [markdown]
# Three images at every resolution (rows: images; columns: HR then each factor).

# %%
all_factors = [1] + list(factors)
stacks = {f: run_files.load(run_files.stack_path(images_dir, f)) for f in all_factors}
rows = np.linspace(0, summary["n_images"] - 1, 3).astype(int)
fig, axes = plt.subplots(len(rows), len(all_factors), figsize=(2.2 * len(all_factors), 6.6))
for i, row in enumerate(rows):
    for j, f in enumerate(all_factors):
        axes[i][j].imshow(stacks[f][row])
        axes[i][j].set_axis_off()
        axes[0][j].set_title("HR" if f == 1 else f"1/{f}")
plt.show()
