"""Choose VDSR's optimizer on a validation split of the ISR baselines' own training
images (never on the evaluation images) and print the candidates' PSNR as markdown.

    PYTHONPATH=workflow .venv/bin/python scripts/choose_isr_settings.py RUN [CONFIG]

RUN: a finished run's folder (results/<run>: its manifest and image stacks). CONFIG
(default config/config.yaml): its isr.vdsr schedule is one candidate; the other is the
schema's, the VDSR paper's SGD with adjustable clipping, at the same number of steps.
The ISR models' fitting rows (the train split) lose 20% of their scenes (seed of the
config), on which each candidate's restorations are measured (PSNR on Y).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import torch
from fsrstudy import config as config_module, run_files, schema
from fsrstudy.data import manifest as mf
from fsrstudy.models import compute, isr_training
from fsrstudy.stages import settings_choice


def main(run: Path, config_path: Path) -> None:
    cfg = config_module.load(config_path)
    torch.set_num_threads(cfg["threads"])
    manifest = mf.read(run / "manifest.csv")
    rows, fitted_on = mf.isr_fitting_rows(manifest)
    factors = cfg["degrade"]["factors"]
    images = run / "images"
    hr = run_files.load(run_files.stack_path(images, run_files.HR))
    lr = {f: run_files.load(run_files.stack_path(images, f)) for f in factors}
    configured = cfg["isr"]["vdsr"]
    paper = {**schema.schema_defaults("isr", "vdsr"), "steps": configured["steps"],
             "batch_size": configured["batch_size"], "patch": configured["patch"]}
    candidates = {
        f"configured ({configured['optimizer']}, lr {configured['lr']})":
            isr_training.ISRConfig(**{**paper, **configured}, seed=cfg["seed"]),
        f"paper ({paper['optimizer']}, lr {paper['lr']}, clip {paper['clip_theta']})":
            isr_training.ISRConfig(**paper, seed=cfg["seed"])}
    plan = compute.plan(cfg["isr"].get("device", "auto"), cfg["isr"]["precision"],
                        cfg["isr"].get("engine", "auto"))
    start = time.perf_counter()
    table = settings_choice.choose_isr("vdsr", hr, lr, rows,
                                       mf.validation_units(manifest, fitted_on), candidates,
                                       validation_fraction=0.2, seed=cfg["seed"], plan=plan)
    seconds = time.perf_counter() - start
    chosen = table.loc[table["chosen"], "candidate"].iloc[0]
    print(f"VDSR, {configured['steps']} steps of {configured['batch_size']} patches; "
          f"{table['n_fit'].iloc[0]} fitting and {table['n_validation'].iloc[0]} "
          f"validation images ({fitted_on}, scenes held out whole); {plan.device} "
          f"{plan.precision}; {seconds:.0f} s. PSNR (Y, dB) of the validation images "
          f"restored, higher is better. Chosen: **{chosen}**.\n")
    print("| candidate | " + " | ".join(f"1/{f}" for f in factors) + " | mean |")
    print("|---|" + "---|" * (len(factors) + 1))
    wide = table.pivot_table(index="candidate", columns="factor", values="psnr", sort=False)
    bicubic = table.groupby("factor")["bicubic_psnr"].first()
    for name, row in [("bicubic (no model)", bicubic), *wide.iterrows()]:
        mark = "**" if name == chosen else ""
        values = [row[f] for f in factors]
        print(f"| {mark}{name}{mark} | " + " | ".join(f"{v:.2f}" for v in values)
              + f" | {sum(values) / len(values):.2f} |")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) == 3 else "config/config.yaml"))
