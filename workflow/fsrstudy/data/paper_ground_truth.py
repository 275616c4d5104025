"""Readers of the paper's data sets' ground truth (Oxford5K, Paris6K, Holidays).

Pure functions from the distributed files to plain Python structures; turning them into
the study's manifest is paper_sets' job. Oxford/Paris ground truth comes in three
containers, all read into one `PublishedGroundTruth` (image names, not indices):
- a folder of the original protocol's text files (gt_files_170407 / paris_120310);
- revisitop's / cnnimageretrieval's `gnd_*.pkl` (0-based indices), revisited
  (easy/hard/junk) or original (ok/junk);
- cnnimageretrieval's MATLAB `gnd_*.mat` (1-based indices; original files list their
  queries as `qidx` into `imlist`).
Downloaded pickles are read with the restricted unpickler, never with pickle.load.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fsrstudy.data.safe_files import load_pickle

# per protocol family, the name lists each query has (besides its box)
LIST_KEYS = {"original": ("positives", "junk"), "revisited": ("easy", "hard", "junk")}


class GroundTruthError(ValueError):
    pass


@dataclass
class PublishedGroundTruth:
    """One ground-truth source of Oxford5K / Paris6K, by image name."""
    protocol: str                 # "original" or "revisited"
    source: str
    imlist: list[str] | None      # the database it was made for (None: a text folder)
    queries: list[dict]           # name, image, bbx and the LIST_KEYS of its protocol

    def names(self) -> set[str]:
        """Every image the ground truth names: its database and its query images."""
        named = set(self.imlist or ())
        for q in self.queries:
            named.add(q["image"])
            for key in LIST_KEYS[self.protocol]:
                named.update(q[key])
        return named


def read_ground_truth(path) -> PublishedGroundTruth:
    """A ground-truth folder, .pkl or .mat, whichever protocol it holds."""
    path = Path(path)
    if path.is_dir():
        return PublishedGroundTruth("original", str(path), None, read_original_gt(path))
    if path.suffix.lower() == ".pkl":
        return _from_gnd(load_pickle(path), path, first_index=0)
    if path.suffix.lower() == ".mat":
        return _from_gnd(_load_mat(path), path, first_index=1)
    raise GroundTruthError(f"{path}: a ground truth is a folder of the original text files, "
                           "a gnd_*.pkl or a gnd_*.mat")


def _load_mat(path) -> dict:
    import scipy.io  # only .mat readers need it

    try:
        mat = scipy.io.loadmat(path, squeeze_me=True, struct_as_record=False)
    except (ValueError, TypeError, OSError) as error:
        raise GroundTruthError(f"{path}: not a readable MATLAB file ({error})") from None
    if "gnd" not in mat:
        raise GroundTruthError(f"{path}: no 'gnd' entry")
    entries = [{key: getattr(e, key) for key in e._fieldnames}
               for e in np.atleast_1d(mat["gnd"])]
    return {**{k: v for k, v in mat.items() if not k.startswith("__")}, "gnd": entries}


def _names(values) -> list[str]:
    return [str(v) for v in np.atleast_1d(values)]


def _from_gnd(gnd: dict, path, first_index: int) -> PublishedGroundTruth:
    """imlist, qimlist (or qidx) and per query its index lists and bbx, as names."""
    if not isinstance(gnd, dict) or "gnd" not in gnd or "imlist" not in gnd:
        raise GroundTruthError(f"{path}: no 'imlist' and 'gnd' entries (not a gnd file)")
    imlist = _names(gnd["imlist"])
    entries = list(gnd["gnd"])
    if not entries:
        raise GroundTruthError(f"{path}: no queries")
    revisited = "easy" in entries[0]
    protocol = "revisited" if revisited else "original"
    wanted = ("easy", "hard", "junk", "bbx") if revisited else ("ok", "junk", "bbx")
    n = len(imlist)

    def names_at(indices, what, q):
        positions = [int(i) - first_index for i in np.atleast_1d(indices)]
        bad = [i + first_index for i in positions if not 0 <= i < n]
        if bad:
            raise GroundTruthError(f"{path}: query {q} '{what}' indices out of range "
                                   f"(database of {n}): {bad[:5]}")
        return [imlist[i] for i in positions]

    if "qimlist" in gnd:
        query_images = _names(gnd["qimlist"])
    elif "qidx" in gnd:
        query_images = names_at(gnd["qidx"], "qidx", "list")
    else:
        raise GroundTruthError(f"{path}: no 'qimlist' or 'qidx' entry")
    if len(entries) != len(query_images):
        raise GroundTruthError(f"{path}: {len(entries)} ground-truth entries for "
                               f"{len(query_images)} queries")
    queries, seen = [], defaultdict(int)
    for q, (image, entry) in enumerate(zip(query_images, entries)):
        missing = [k for k in wanted if k not in entry]
        if missing:
            raise GroundTruthError(f"{path}: query {q} lacks {missing}")
        box = [float(v) for v in np.atleast_1d(entry["bbx"])]
        if len(box) != 4:
            raise GroundTruthError(f"{path}: query {q} box {box} is not x1, y1, x2, y2")
        seen[image] += 1  # two queries of one image get distinct names
        query = {"name": image if seen[image] == 1 else f"{image}_{seen[image]}",
                 "image": image, "bbx": box}
        if revisited:
            query.update({k: names_at(entry[k], k, q) for k in ("easy", "hard", "junk")})
        else:
            query.update(positives=names_at(entry["ok"], "ok", q),
                         junk=names_at(entry["junk"], "junk", q))
        queries.append(query)
    return PublishedGroundTruth(protocol, str(path), imlist, queries)


def content_digest(gt: PublishedGroundTruth) -> str:
    """sha256 of what a ground truth says (its database, each query's image, box to
    0.1 px and name lists), whatever its container: a .pkl and a .mat of one file agree."""
    queries = sorted(
        [q["image"], [f"{v:.1f}" for v in q["bbx"]],
         [sorted(set(q[k])) for k in LIST_KEYS[gt.protocol]]] for q in gt.queries)
    content = {"protocol": gt.protocol, "imlist": sorted(gt.imlist or []), "queries": queries}
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


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


def holidays_names(names) -> None:
    """INRIA Holidays names its images with 6 digits: the first 4 are the group, and
    the group's `xxxx00` image is its query. Anything else is another dataset."""
    odd = sorted(n for n in names if not re.fullmatch(r"\d{6}", Path(n).stem))
    if odd:
        raise GroundTruthError(f"{len(odd)} image(s) without a Holidays name (6 digits), "
                               f"e.g. {odd[:3]}: is this a copy of INRIA Holidays?")
