"""The study's figures: each one's table and caption, by name.

Torch- and matplotlib-free, so that the workflow can list its figures without loading
the plotting stack; figures.py draws each one with the function of the same name.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    table: str    # file name under results/<run>/tables/ ({gan}: see table_name)
    caption: str  # shown under the figure in the report; ends with what to look for


def table_name(name: str, gan: str) -> str:
    """The table figure `name` is drawn from; `gan` is the run's first FSR-GAN method
    (fsrgan, or fsrgan_db where the run fits on its database only), whose losses the
    training curve shows."""
    return FIGURES[name].table.format(gan=gan)


FIGURES = {
    "distance_vs_factor": Figure("distance.csv",
        "Mean Euclidean distance between each method's feature of a held-out image and "
        "its HR feature, both L2-normalised (what cosine retrieval sees), per down-scaling "
        "ratio (paper, Intro); n = the images a method "
        "was measured on, where that differs (ISR: the queries; _db methods: the "
        "images a model that saw none of their photo mapped, tables/fits.csv). Grey "
        "lines: distance between HR features of different images of one group (dashed) "
        "and of different groups (dotted). Look for: how far below the LR line each "
        "method stays as the ratio grows, and where the lines cross the dashed one (as "
        "far from HR as another photo of the same scene)."),
    "variance_vs_factor": Figure("distance.csv",
        "Variance, within one down-scaling ratio, of the distance to the HR feature "
        "(paper, Intro: about constant across ratios for LR features). Look for: a "
        "flat LR line, the paper's argument that one content-independent map can "
        "serve every image."),
    "distance_distribution": Figure("distance_per_image.csv",
        "Distribution of the per-image distance to the HR feature, per ratio and method. "
        "Look for: whether a method moves the whole distribution or only its tail."),
    "map_vs_factor": Figure("retrieval.csv",
        "Retrieval mAP of queries at each down-scaling ratio against the HR database, "
        "per protocol and backbone; dashed: HR queries (upper bound). Look for: the gap "
        "between lr and the dashed line at the smallest ratios, and which method closes it; "
        "matched needs one database index per factor, every other method one HR index."),
    "training_curve": Figure("{gan}_loss.csv",
        "FSR-GAN training (fsrgan's; fsrgan_db's where the run fits on its database "
        "only): focal distance term, adversarial term -E[D(F_SR)] and "
        "critic loss per step. Look for: a distance term that falls and settles, and "
        "a critic loss that stays bounded (no divergence)."),
    "isr_quality": Figure("isr_quality.csv",
        "PSNR and SSIM (luminance, borders shaved) of SRCNN, VDSR and bicubic restorations "
        "of the query images, per down-scaling ratio. Look for: SRCNN and VDSR above "
        "bicubic at every ratio (the baselines are trained properly)."),
    "isr_training_curve": Figure("isr_loss.csv",
        "Training loss of the image super-resolution models (SRCNN per factor, VDSR for "
        "all factors). Look for: losses that have levelled off by the last step."),
    "map_vs_distractors": Figure("large_scale.csv",
        "Large-scale retrieval: mAP as distractors join the database, exact search; "
        "one column per down-scaling ratio, colour = method, its 95% interval over the "
        "queries shaded; black: HR queries (the same curve in every panel). Look for: "
        "whether a method's lead over lr survives as the database grows, and whether "
        "it is larger than the bands."),
    "map_vs_bits": Figure("lowbitrate.csv",
        "Low bit-rate mobile search: mAP against the kbit actually sent per query "
        "(JPEG bytes x 8 / 1000), one column per down-scaling ratio. Black: the HR "
        "image as JPEG (the same curve in every panel); colours: the small image as "
        "JPEG at each quality, described as received (lr), super-resolved (fsrgan, "
        "ridge, ...), restored first (srcnn, vdsr), described by a distilled student "
        "(distill), or against the matched database. "
        "Look for: the method that reaches the HR curve's mAP with the fewest kbit."),
    "focal_exponent": Figure("focal.csv",
        "FSR-GAN loss ablation: focal exponent r = 1, 2, 3, adversarial term only, "
        "distance term only, and critic5 (5 critic steps per generator step, the usual "
        "WGAN schedule); every seed a dot, the median a bar. A run whose distance "
        "is over 3x the median of all runs at some ratio diverged: it is named in the "
        "title with its distance, not drawn. Look for: whether r = 2 (the paper's "
        "choice) is lowest, how much the adversarial term adds to distance only, and "
        "whether the usual critic schedule changes that."),
    "stage_cost": Figure("stage_cost.csv",
        "What each stage of this run cost: wall time (bars) and CPU time (dots) of its "
        "job, from Snakemake's benchmark files, on the machine named in the title. "
        "Look for: the few stages that dominate, and CPU time above wall time (the "
        "stage used several cores)."),
}
