"""An independent check of a run's HR mAP on an Oxford5K / Paris6K copy.

Recomputes HR-query mAP with VGG16 conv5 GeM (p = 3) in a few lines that share nothing
with the study's pipeline but the weights file: PIL reads each image as stored (no EXIF
turn), crops a query to its box (widened to whole pixels), resizes to 224 x 224
(bicubic); Caffe preprocessing; L2-normalised descriptors ranked by dot product; AP as
revisitop's compute_ap (junk removed, trapezoid). The database of each ground truth is
its own `imlist` restricted to the images present; a query keeps the positives present.
Prints this mAP beside the run's (tables/retrieval.csv, method hr, backbone
vgg16_conv5_gem, factor 1):

    PYTHONPATH=workflow python scripts/check_hr_map.py RUN_DIR IMAGES_DIR GT [GT ...]

GT: revisitop's gnd_r*.pkl or cnnimageretrieval's gnd_*.mat (either protocol).
"""
import math
import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.io
import torch
from fsrstudy.models.backbones import CAFFE_MEAN_BGR, load_offline_conv_state, vgg16_features
from PIL import Image


def read_gt(path):
    """(imlist, [(query image, box, {list: names})]) from a .pkl (0-based) or .mat."""
    if path.suffix == ".pkl":
        with open(path, "rb") as f:
            g = pickle.load(f)  # a file of one's own, not a download
        base, entries = 0, g["gnd"]
    else:
        g = scipy.io.loadmat(path, squeeze_me=True, struct_as_record=False)
        base = 1
        entries = [{k: getattr(e, k) for k in e._fieldnames} for e in g["gnd"]]
    imlist = [str(n) for n in g["imlist"]]
    queries = ([str(n) for n in g["qimlist"]] if "qimlist" in g
               else [imlist[int(i) - 1] for i in g["qidx"]])
    out = []
    for q, e in zip(queries, entries):
        lists = {k: [imlist[int(i) - base] for i in np.atleast_1d(v)]
                 for k, v in e.items() if k != "bbx"}
        out.append((q, [float(v) for v in np.atleast_1d(e["bbx"])], lists))
    return imlist, out


def protocols(lists):
    """protocol -> (positives, junk), as revisitop and the original Oxford code say."""
    if "ok" in lists:
        return {"original": (lists["ok"], lists["junk"])}
    e, h, j = lists["easy"], lists["hard"], lists["junk"]
    return {"revisited_easy": (e, j + h), "revisited_medium": (e + h, j),
            "revisited_hard": (h, j + e)}


def trapezoid_ap(relevant_in_order, n_positives):
    ap, hits = 0.0, 0
    for rank, relevant in enumerate(relevant_in_order):
        if relevant:
            before = 1.0 if rank == 0 else hits / rank
            hits += 1
            ap += (before + hits / (rank + 1)) / 2
    return ap / n_positives


@torch.no_grad()
def describe(net, images):
    x = torch.from_numpy(np.stack([np.asarray(i, dtype=np.float32) for i in images]))
    x = x.permute(0, 3, 1, 2).flip(1) - torch.tensor(CAFFE_MEAN_BGR).view(1, 3, 1, 1)
    maps = net(x).clamp(min=1e-6)
    d = maps.pow(3).mean(dim=(2, 3)).pow(1 / 3)
    return torch.nn.functional.normalize(d, dim=1).numpy()


def load(path, box=None):
    im = Image.open(path).convert("RGB")
    if box:
        w, h = im.size
        im = im.crop((max(0, math.floor(box[0])), max(0, math.floor(box[1])),
                      min(w, math.ceil(box[2])), min(h, math.ceil(box[3]))))
    return im.resize((224, 224), Image.Resampling.BICUBIC)


def check(run, images_dir, gts) -> pd.DataFrame:
    """Per protocol: queries, this check's HR mAP (GeM) and the run's."""
    files = {p.stem: p for p in Path(images_dir).rglob("*") if p.suffix.lower() == ".jpg"}
    net = vgg16_features()
    net.load_state_dict(load_offline_conv_state())
    net = net[:-1].eval()  # conv5_3 + ReLU, no pool5
    names = sorted(files)
    feats = dict(zip(names, np.concatenate(
        [describe(net, [load(files[n]) for n in names[i:i + 16]])
         for i in range(0, len(names), 16)])))
    table = pd.read_csv(Path(run) / "tables/retrieval.csv")
    table = table[(table.method == "hr") & (table.backbone == "vgg16_conv5_gem")]
    rows = []
    for gt in gts:
        imlist, queries = read_gt(Path(gt))
        database = [n for n in imlist if n in files]
        db = np.stack([feats[n] for n in database])
        aps = {}
        for image, box, lists in queries:
            if image not in files:
                continue
            order = np.argsort(-(db @ describe(net, [load(files[image], box)])[0]),
                               kind="stable")
            for protocol, (positives, junk) in protocols(lists).items():
                positives = set(positives) & set(database)
                if positives:
                    ranked = [database[i] for i in order if database[i] not in set(junk)]
                    aps.setdefault(protocol, []).append(
                        trapezoid_ap([n in positives for n in ranked], len(positives)))
        for protocol, values in aps.items():
            run_map = table.loc[table.protocol == protocol, "mAP"].unique()
            rows.append({"protocol": protocol, "queries": len(values),
                         "check mAP": float(np.mean(values)),
                         "run mAP": float(run_map[0]) if len(run_map) == 1 else np.nan})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    print(check(sys.argv[1], sys.argv[2], sys.argv[3:]).to_string(index=False))
