"""The published Oxford5K / Paris6K ground truths, known by their content digest.

A copy's ground-truth file is compared with these (paper_ground_truth.content_digest: what the
file says, not its bytes, so revisitop's .pkl and cnnimageretrieval's .mat of one
ground truth agree). The digests were computed from the official files of the four
benchmarks (cnnimageretrieval's gnd_*.mat; revisitop's gnd_rparis6k.pkl gives the same
digest as gnd_rparis6k.mat) with scripts/ground_truth_digests.py. A folder of the
original text files has no published digest here: it is read, not checked.
"""
from __future__ import annotations

import warnings

from fsrstudy.data import paper_ground_truth

# digest -> (dataset kind, protocol family, database images, queries)
PUBLISHED = {
    "14e29eab454d7cea350d841ae23ef8e2c82d814955237e868454a0da7ad2cf91":
        ("oxford5k", "original", 5063, 55),
    "bac8e3e5942a5b2695e1dc6bb3dd9bf7c69c8337594f61d35c03c9c022cf6d5a":
        ("oxford5k", "revisited", 4993, 70),
    "52017ede6328a0a33e3cbdff328a31ece1858012716ca91be7fe49694b7b6aa7":
        ("paris6k", "original", 6392, 55),
    "3ef9bcc64681520eb533ff5e8ad62f303aca1ab14ce03d9d94c87be08c233090":
        ("paris6k", "revisited", 6322, 70),
}
NAMES = {("oxford5k", "original"): "Oxford5K", ("oxford5k", "revisited"): "ROxford5k",
         ("paris6k", "original"): "Paris6K", ("paris6k", "revisited"): "RParis6k"}


class WrongGroundTruth(paper_ground_truth.GroundTruthError):
    pass


class UnpublishedGroundTruth(UserWarning):
    pass


def check(gt: paper_ground_truth.PublishedGroundTruth, kind: str, dataset: str) -> str:
    """How `gt` compares with the published one of `kind` and its protocol, in words.
    Another benchmark's ground truth is an error; a differing file (edited, or another
    version) is a warning, and the run goes on with it."""
    if gt.imlist is None:
        return "not checked (text files: no published digest)"
    published = PUBLISHED.get(paper_ground_truth.content_digest(gt))
    if published and published[0] != kind:
        raise WrongGroundTruth(f"{dataset}: {gt.source} is the published "
                               f"{NAMES[published[:2]]} ground truth, not {kind}'s")
    if published:
        return f"published {NAMES[published[:2]]}"
    expected = next(((n, q) for (k, p, n, q) in PUBLISHED.values()
                     if (k, p) == (kind, gt.protocol)), None)
    if expected is None:  # a kind without published files (none today)
        return "not checked"
    said = (f"differs from the published {NAMES[kind, gt.protocol]} ({len(gt.imlist)} "
            f"database images and {len(gt.queries)} queries; published: {expected[0]} "
            f"and {expected[1]})")
    warnings.warn(f"{dataset}: {gt.source} {said}", UnpublishedGroundTruth, stacklevel=2)
    return said
