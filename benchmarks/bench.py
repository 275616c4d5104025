"""Speed of the study's heavy paths on this machine, printed (speed goals live here, not in
timed tests). `make bench`, or `python benchmarks/bench.py --help`.

1. VGG16 feature extraction from JPEG files at 224 x 224 (the embedded photos, written
   as 224 px JPEGs first, not timed): (a) the project's path (JPEGs decoded by a thread
   pool, batches, the compute plan this machine gets: precision and convolution engine;
   the NNPACK / default ratio on one layer is printed too)
   and (b) a naive loop (one image at a time, fp32, torch's default kernels), and
   their ratio;
2. FSR-GAN training, samples per second (512-d features, the default run's settings);
3. VDSR training, patches per second (41 px patches, batch 32);
4. on the CPU, VGG16 at 224 x 224 in fp32 and in bf16 autocast (channels_last, oneDNN),
   milliseconds per image, and what `precision: auto` picks here.
On the CPU always, and on the GPU when torch sees one. Weights are random (the speed is
the same) so that the benchmark needs no download.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))

from fsrstudy.models import backbones, compute, features, fsrgan_training, isr_training  # noqa: E402


def write_jpegs(folder: Path, count: int, size: int = 224) -> list[Path]:
    """`count` JPEGs of size x size cut from the embedded photos (cycled)."""
    photos = sorted((ROOT / "data/demo/photos").glob("*.jpg"))
    files = []
    for i in range(count):
        with Image.open(photos[i % len(photos)]) as im:
            path = folder / f"{i:05d}.jpg"
            im.convert("RGB").resize((size, size), Image.Resampling.BICUBIC).save(
                path, quality=90)
            files.append(path)
    return files


def decode(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.array(im.convert("RGB"), dtype=np.uint8)  # writable: torch takes it as is


def project_path(files, plan: compute.Plan, batch_size: int, workers: int) -> float:
    """Images per second: threads decode the next batch while the model runs."""
    model = backbones.build("offline_vgg16", pretrained=False)
    features.extract(model, np.stack([decode(f) for f in files[:2]]), 2, plan)  # warm-up
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        batches = [files[i:i + batch_size] for i in range(0, len(files), batch_size)]
        pending = pool.submit(lambda b: np.stack(list(pool.map(decode, b))), batches[0])
        for i in range(len(batches)):
            stack = pending.result()
            if i + 1 < len(batches):
                pending = pool.submit(lambda b: np.stack(list(pool.map(decode, b))),
                                      batches[i + 1])
            features.extract(model, stack, batch_size, plan, desc="bench")
    if plan.device.startswith("cuda"):
        torch.cuda.synchronize()
    return len(files) / (time.perf_counter() - start)


@torch.inference_mode()
def naive_loop(files, device: str) -> float:
    """Images per second: decode one JPEG, run it alone in fp32, next."""
    model = backbones.build("offline_vgg16", pretrained=False).to(device)
    model(torch.from_numpy(decode(files[0]))[None].to(device))  # warm-up
    start = time.perf_counter()
    for path in files:
        model(torch.from_numpy(decode(path))[None].to(device))
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return len(files) / (time.perf_counter() - start)


def fsrgan_samples_per_second(device: str, pairs: int) -> float:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(pairs, 512)).astype(np.float32)
    y = (x + 0.1 * rng.normal(size=x.shape)).astype(np.float32)
    cfg = fsrgan_training.FSRGANConfig(epochs=1, batch_size=64, lr=1e-4, residual=True)
    start = time.perf_counter()
    fsrgan_training.train(x, y, cfg, device)
    return pairs / (time.perf_counter() - start)


def vdsr_patches_per_second(device: str, steps: int) -> tuple[float, str]:
    rng = np.random.default_rng(0)
    hr = rng.uniform(0.1, 0.9, (8, 96, 96)).astype(np.float32)
    lr = (hr + np.roll(hr, 1, 1)) / 2
    precision, _ = compute.resolve_precision("auto", torch.device(device))
    # the default run's VDSR schedule (batch 32, 41 px patches, SGD with clipping)
    cfg = isr_training.ISRConfig.for_method("vdsr", steps=1)
    isr_training.train("vdsr", [(lr, hr)], cfg, device, precision)  # warm-up
    cfg = isr_training.ISRConfig.for_method("vdsr", steps=steps)
    start = time.perf_counter()
    isr_training.train("vdsr", [(lr, hr)], cfg, device, precision)
    return steps * cfg.batch_size / (time.perf_counter() - start), precision


def run_device(device: str, images: int, naive_images: int, pairs: int, steps: int,
               batch_size: int, workers: int, folder: Path) -> dict:
    files = write_jpegs(folder, images)
    plan = compute.plan(device, "auto", "auto")
    fast = project_path(files, plan, batch_size, workers)
    slow = naive_loop(files[:naive_images], device)
    vdsr, vdsr_precision = vdsr_patches_per_second(device, steps)
    return {"device": device, "plan": plan.as_dict(), "batch_size": batch_size,
            "images": images, "project_images_per_s": round(fast, 2),
            "naive_images_per_s": round(slow, 2), "speedup": round(fast / slow, 2),
            "fsrgan_samples_per_s": round(fsrgan_samples_per_second(device, pairs), 1),
            "vdsr_patches_per_s": round(vdsr, 1), "vdsr_precision": vdsr_precision}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--out", help="also write the measurements to this JSON file")
    parser.add_argument("--cpu-images", type=int, default=64)
    parser.add_argument("--gpu-images", type=int, default=6144)
    parser.add_argument("--skip-precision", action="store_true",
                        help="leave out the fp32 / bf16 comparison on the CPU")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    machine = {"cpu_kind": compute.cpu_kind(), "threads": args.threads,
               "torch": torch.__version__,
               "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
               # one VGG-sized 3x3 layer, oneDNN time / NNPACK time: what `engine: nnpack`
               # would gain here (engine `auto` follows the CPU kind, not this timing)
               "nnpack_layer_speedup": round(compute.nnpack_speedup(args.threads, 10), 2)}
    if not args.skip_precision:
        # timed afresh (the runs' `precision: auto` reads the cached timing instead)
        ms = compute.time_vgg16_precisions(images=8)
        machine["vgg16_ms_per_image"] = ms
        machine["bf16_over_fp32_time"] = round(ms["bf16"] / ms["fp32"], 2)
        machine["auto_picks"] = compute.resolve_precision("auto", torch.device("cpu"))[0]
    print(json.dumps(machine))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        # the batch size a run's `batch_size: auto` takes on each device
        results.append(run_device("cpu", args.cpu_images, 8, 640, 3,
                                  compute.batch_size("auto", "cpu"), 2, Path(tmp)))
        if torch.cuda.is_available():
            results.append(run_device("cuda", args.gpu_images, 64, 20000, 50,
                                      compute.batch_size("auto", "cuda"), 8, Path(tmp)))
    header = ("device", "precision", "engine", "project img/s", "naive img/s", "ratio",
              "FSR-GAN samples/s", "VDSR patches/s")
    print(" | ".join(header))
    for r in results:
        print(" | ".join(str(v) for v in (
            r["device"], r["plan"]["precision"], r["plan"]["engine"],
            r["project_images_per_s"], r["naive_images_per_s"], r["speedup"],
            r["fsrgan_samples_per_s"], r["vdsr_patches_per_s"])))
    if args.out:
        Path(args.out).write_text(json.dumps({"machine": machine, "results": results},
                                             indent=2) + "\n")


if __name__ == "__main__":
    main()
