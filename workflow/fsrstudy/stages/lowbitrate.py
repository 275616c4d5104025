"""Low bit-rate mobile visual search: the client sends a JPEG, the server searches.

The x-axis is what is actually sent: the JPEG's bytes x 8, per query (mean over the
queries). Curves:
- `hr`: the HR network input (e.g. 224 x 224) as a JPEG at a sweep of qualities;
- `lr`: the small image (HR downscaled by the factor) as a JPEG, decoded and upscaled
  bicubically by the server, then described;
- `fsrgan` / `fsrgan_db` / `ridge` / `ridge_db`: those LR features super-resolved;
- `srcnn` / `vdsr`: the decoded, upscaled image restored before description;
- `distill` / `distill_db`: the decoded, upscaled image described by the distilled
  query network (the frozen layers to pool4, then the student);
- `matched`: the LR features against the database described at the same factor.
Everything except `hr` searches the HR database.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
from PIL import Image

from fsrstudy import run_files
from fsrstudy.atomic import save_csv
from fsrstudy.data import degrade, groundtruth, manifest as mf
from fsrstudy.evaluation import retrieval
from fsrstudy.models import backbones, compute, distill, feature_sr, features, isr_training
from fsrstudy.stages import analysis

SCORES = ["mAP", *retrieval.INTERVAL, "n_queries"]  # of retrieval.metrics, per row
COLUMNS = ["dataset", "protocol", "backbone", "method", "factor", "quality", "bits",
           *SCORES]


def jpeg_bytes(image: np.ndarray, quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=int(quality))
    return buffer.getvalue()


def decode(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"), dtype=np.uint8)


def client_images(hr: np.ndarray, factor: int, quality: int):
    """What the server holds after receiving each query: (images at the input size,
    bytes sent per image). Factor 1 sends the HR input itself."""
    size = hr.shape[1]
    out, sent = np.empty_like(hr), np.empty(len(hr), np.int64)
    for i, image in enumerate(hr):
        small = image if factor == 1 else degrade.downscale(image, factor)
        data = jpeg_bytes(small, quality)
        sent[i] = len(data)
        received = decode(data)
        out[i] = received if factor == 1 else degrade.upscale(received, size)
    return out, sent


def run(manifest: pd.DataFrame, ground_truth_json, images_dir, features_dir, models_dir, *,
        factors, hr_qualities, lr_qualities, fsr_methods, isr_methods,
        extractor: dict, isr: dict | None = None, distill_methods=(),
        seed: int = 0) -> pd.DataFrame:
    """Every curve, protocol and backbone: one row per (method, factor, quality), mAP
    with its bootstrap interval over the queries (resamples seeded by `seed`).
    `extractor`: the config's `features` section; `isr`: its `isr` section (device,
    precision, engine of the restorations)."""
    protocols = list(retrieval.resolved(manifest, groundtruth.load(ground_truth_json)))
    query_rows = np.unique(np.concatenate([p.query_rows for _, p in protocols]))
    position = {row: i for i, row in enumerate(query_rows)}
    # each query mapped by a fitted model that saw no image of its photo (cross_fit)
    keys, ids = mf.photo_keys(manifest)[query_rows], manifest["image_id"].to_numpy()[query_rows]
    everyone = np.arange(len(query_rows))
    hr = np.asarray(run_files.load(run_files.stack_path(images_dir, 1))[query_rows])
    plan = compute.plan(extractor["device"], extractor["precision"],
                        extractor.get("engine", "auto"))
    isr = isr or {}
    isr_plan = compute.plan(isr.get("device", "auto"), isr.get("precision", "auto"),
                            isr.get("engine", "auto"))
    dev = plan.device
    batch_size = compute.batch_size(extractor["batch_size"], dev)
    model, names = backbones.build_named(extractor["source"], extractor["poolings"],
                                         extractor["gem_p"])
    backbone_names = list(names.values())

    def describe(stack):
        out = features.extract(model, stack, batch_size, plan,
                               desc="low bit-rate")
        return {names[k]: v for k, v in out.items()}

    fsr_models = {(m, b): feature_sr.load(run_files.fsr_model_path(models_dir, m, b), dev, b)
                  for m in fsr_methods for b in backbone_names}
    students = {m: {b: distill.load(run_files.fsr_model_path(models_dir, m, b), dev, b)
                    for b in backbone_names} for m in distill_methods}
    trunk = backbones.Pool4Trunk(backbones.build(extractor["source"], extractor["poolings"][:1],
                                                 extractor["gem_p"])) if students else None
    cases = [(1, q) for q in hr_qualities] + [(f, q) for f in factors for q in lr_qualities]
    rows = []
    for factor, quality in cases:
        received, sent = client_images(hr, factor, quality)
        queries = {"hr" if factor == 1 else "lr": describe(received)}
        if factor != 1:
            for m in fsr_methods:
                queries[m] = {b: feature_sr.apply_rows(fsr_models[m, b], queries["lr"][b],
                                                       factor, everyone, dev,
                                                       photo_keys=keys, image_ids=ids)
                              for b in backbone_names}
            for m in isr_methods:
                isr_model = isr_training.load(
                    run_files.isr_model_path(models_dir, m, factor))
                restored = isr_training.restore(isr_model, received, isr_plan)
                queries[m] = describe(restored)
            for m, by_backbone in students.items():
                heads = {(b, j): head for b, folds in by_backbone.items()
                         for j, head in enumerate(folds.models)}
                described = distill.describe_images(trunk, heads, received, batch_size, plan)
                queries[m] = {b: folds.select([described[b, j] for j in range(len(folds.models))],
                                              keys, ids)
                              for b, folds in by_backbone.items()}
            queries[retrieval.MATCHED] = queries["lr"]
        for method, by_backbone in queries.items():
            for backbone, feats in by_backbone.items():
                database = retrieval.database_features(analysis.feature_loader(features_dir),
                                                       backbone, method, factor)
                for query_set, protocol in protocols:
                    at = [position[r] for r in protocol.query_rows]
                    scores = retrieval.metrics(
                        feats[at], np.asarray(database[protocol.database_rows]), protocol,
                        seed)
                    rows.append({"dataset": query_set.dataset, "protocol": query_set.protocol,
                                 "backbone": backbone, "method": method, "factor": factor,
                                 "quality": quality, "bits": float(sent[at].mean() * 8),
                                 **{c: scores[c] for c in SCORES}})
    return pd.DataFrame(rows, columns=COLUMNS)


def low_bitrate(manifest_csv, ground_truth_json, images_dir, features_dir, models_dir,
                out_csv, **options) -> pd.DataFrame:
    """mAP against the bits a client sends, per method: tables/lowbitrate.csv (options:
    those of lowbitrate.run)."""
    table = run(mf.read(manifest_csv), ground_truth_json, images_dir,
                           features_dir, models_dir, **options)
    save_csv(out_csv, table)
    return table
