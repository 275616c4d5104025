"""Readers of the paper's data sets' ground truth (Oxford5K, Paris6K, Holidays).

Pure functions from the distributed files to plain Python structures; turning them into
the study's manifest is paper_sets' job. Downloaded pickles are read with the
restricted unpickler, never with pickle.load.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from fsrstudy.data.safe_files import load_pickle

REVISITED_KEYS = ("easy", "hard", "junk", "bbx")


class GroundTruthError(ValueError):
    pass


def read_revisited_gnd(path) -> dict:
    """revisitop's gnd_r{oxford5k,paris6k}.pkl: imlist, qimlist and per query easy,
    hard, junk (0-based database indices) and bbx (x1, y1, x2, y2)."""
    gnd = load_pickle(path)
    for key in ("imlist", "qimlist", "gnd"):
        if key not in gnd:
            raise GroundTruthError(f"{path}: no '{key}' entry")
    if len(gnd["gnd"]) != len(gnd["qimlist"]):
        raise GroundTruthError(f"{path}: {len(gnd['gnd'])} ground-truth entries for "
                               f"{len(gnd['qimlist'])} queries")
    n = len(gnd["imlist"])
    for q, entry in enumerate(gnd["gnd"]):
        missing = [k for k in REVISITED_KEYS if k not in entry]
        if missing:
            raise GroundTruthError(f"{path}: query {q} lacks {missing}")
        for key in ("easy", "hard", "junk"):
            bad = [i for i in entry[key] if not 0 <= int(i) < n]
            if bad:
                raise GroundTruthError(f"{path}: query {q} '{key}' indices out of range: "
                                       f"{bad[:5]}")
    return gnd


# Oxford's query lines name the image 'oxc1_<name>', Paris's just '<name>'
_QUERY_LINE = re.compile(r"^(?:oxc1_)?(\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$")


def read_original_gt(gt_dir) -> list[dict]:
    """The original Oxford/Paris protocol (gt_files_170407 / paris_120310): per query
    `<q>_query.txt` ('oxc1_<image> x1 y1 x2 y2' or, Paris, '<image> x1 ...') and
    `<q>_{good,ok,junk}.txt`, anywhere under gt_dir.
    Returns, sorted by query name: name, image, bbx, positives (good + ok), junk."""
    gt_dir = Path(gt_dir)
    queries = []
    for query_file in sorted(gt_dir.rglob("*_query.txt")):
        name = query_file.name[: -len("_query.txt")]
        match = _QUERY_LINE.match(query_file.read_text().strip().splitlines()[0])
        if not match:
            raise GroundTruthError(f"{query_file}: cannot read 'oxc1_<image> x1 y1 x2 y2'")
        lists = {}
        for kind in ("good", "ok", "junk"):
            path = query_file.with_name(f"{name}_{kind}.txt")
            if not path.is_file():
                raise GroundTruthError(f"{path} is missing")
            lists[kind] = path.read_text().split()
        queries.append({"name": name, "image": match.group(1),
                        "bbx": [float(v) for v in match.groups()[1:]],
                        "positives": lists["good"] + lists["ok"], "junk": lists["junk"]})
    if not queries:
        raise GroundTruthError(f"no *_query.txt files in {gt_dir}")
    return queries


def holidays_groups(image_names) -> dict[str, list[str]]:
    """INRIA Holidays: images are grouped by the first 4 digits of their 6-digit name;
    the first image of a group (xxxx00.jpg) is the query. Returns query -> others."""
    groups = defaultdict(list)
    for name in sorted(image_names):
        stem = Path(name).stem
        if not re.fullmatch(r"\d{6}", stem):
            raise GroundTruthError(f"{name}: not a Holidays image name (6 digits)")
        groups[stem[:4]].append(name)
    result = {}
    for key, names in groups.items():
        if Path(names[0]).stem != key + "00":
            raise GroundTruthError(f"Holidays group {key} has no query image {key}00")
        result[names[0]] = names[1:]
    return result
