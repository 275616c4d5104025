"""Print the content digest (paper_ground_truth.content_digest), protocol and counts of
Oxford5K / Paris6K ground-truth files: how data/known_ground_truth.py's PUBLISHED
table was made, and how a new published file would be added to it.

    PYTHONPATH=workflow .venv/bin/python scripts/ground_truth_digests.py GT [GT ...]

GT: a gnd_*.pkl, a gnd_*.mat or a folder of the original protocol's text files.
"""
import sys

from fsrstudy.data import paper_ground_truth

for source in sys.argv[1:]:
    gt = paper_ground_truth.read_ground_truth(source)
    images = len(gt.imlist) if gt.imlist is not None else "-"
    print(f"{paper_ground_truth.content_digest(gt)}  {gt.protocol}  database {images}  "
          f"queries {len(gt.queries)}  {source}")
