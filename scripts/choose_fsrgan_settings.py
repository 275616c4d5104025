"""Choose FSR-GAN's settings on a validation split of the train split (never on the
evaluation images) and print the candidates' validation distances as markdown.

    PYTHONPATH=workflow .venv/bin/python scripts/choose_fsrgan_settings.py RUN [CONFIG]

RUN: a finished run's folder (results/<run>: its manifest and features). CONFIG (default
config/config.yaml): the config whose fsrgan section the candidates start from. The grid:
residual generator on/off x learning rate {8e-4 (the paper's), 1e-4} x epochs {3, 6,
12}, on the first backbone, the train split's scenes held out whole (20%, seed of the
config).
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch
from fsrstudy import config as config_module, run_files
from fsrstudy.data import manifest as mf
from fsrstudy.models import fsrgan_training
from fsrstudy.stages import settings_choice

GRID = {"residual": [False, True], "lr": [0.0008, 0.0001], "epochs": [3, 6, 12]}


def main(run: Path, config_path: Path) -> None:
    cfg = config_module.load(config_path)
    torch.set_num_threads(1)
    manifest = mf.read(run / "manifest.csv")
    backbone = sorted(p.name for p in (run / "features").iterdir()
                      if (p / "hr_f1.npy").is_file())[0]
    factors = cfg["degrade"]["factors"]
    hr = run_files.load_features(run / "features", backbone, "hr", run_files.HR)
    lr = {f: run_files.load_features(run / "features", backbone, "lr", f) for f in factors}
    base = fsrgan_training.FSRGANConfig.from_section(cfg["fsrgan"], precision="fp32",
                                                     seed=cfg["seed"])
    table = settings_choice.choose(
        lr, hr, mf.fitting_rows(manifest, "train_split"),
        mf.validation_units(manifest, "train_split"), settings_choice.grid(base, **GRID),
        validation_fraction=0.2, seed=cfg["seed"], workers=cfg["threads"])
    wide = table.pivot_table(index="candidate", columns="factor",
                             values="validation_distance", sort=False)
    wide["mean"] = wide.mean(axis=1)
    chosen = table.loc[table["chosen"], "candidate"].iloc[0]
    print(f"Backbone {backbone}; {table['n_fit'].iloc[0]} fitting and "
          f"{table['n_validation'].iloc[0]} validation images of the train split "
          f"(scenes held out whole); fp32; validation mean distance to HR "
          f"(L2-normalised), lower is better. Chosen: **{chosen}**.\n")
    print("| candidate | " + " | ".join(f"1/{f}" for f in factors) + " | mean |")
    print("|---|" + "---|" * (len(factors) + 1))
    for name, row in wide.iterrows():
        mark = "**" if name == chosen else ""
        print(f"| {mark}{name}{mark} | " + " | ".join(f"{v:.4f}" for v in row) + " |")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) == 3 else "config/config.yaml"))
