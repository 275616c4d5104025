"""The paper's data on disk: which files each dataset needs, and where they land.

    <data_dir>/downloads/<file>          every downloaded file, under its real name
    <data_dir>/<kind>/images/...         image archives, extracted (checked member by member)
    <data_dir>/<kind>/gt/...             original ground-truth archives, extracted
    <data_dir>/<kind>/unpacked.json      written last: what was extracted, when complete

URLs and checksums come from the config (`downloads:`, see config/paper.yaml); this
module only knows the file names, which are the datasets' real ones. Command line (used
by the workflow's rules):

    python -m fsrstudy.data.fetch download FILE OUT --spec JSON
    python -m fsrstudy.data.fetch unpack KIND DATA_DIR
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fsrstudy.atomic import save_json
from fsrstudy.data import download, safe_files

REVISITOP1M_ARCHIVES = 100

# kind -> image archives, original ground-truth archives, revisited ground truth (.pkl)
DATASET_FILES = {
    "oxford5k": {"images": ["oxbuild_images-v1.tgz"], "gt": ["gt_files_170407.tgz"],
                 "gnd": "gnd_roxford5k.pkl"},
    "paris6k": {"images": ["paris_1-v1.tgz", "paris_2-v1.tgz"], "gt": ["paris_120310.tgz"],
                "gnd": "gnd_rparis6k.pkl"},
    "holidays": {"images": ["jpg1.tar.gz", "jpg2.tar.gz"], "gt": [], "gnd": None},
}


def distractor_files(name: str, archives: int) -> dict:
    """The distractor set's files; `archives` limits revisitop1m's 100 archives."""
    if name != "revisitop1m":
        raise ValueError(f"unknown distractor set {name!r}; known: revisitop1m")
    if not 1 <= archives <= REVISITOP1M_ARCHIVES:
        raise ValueError(f"revisitop1m has archives 1..{REVISITOP1M_ARCHIVES}, not {archives}")
    return {"images": [f"revisitop1m.{i}.tar.gz" for i in range(1, archives + 1)],
            "gt": [], "gnd": None, "lists": ["revisitop1m.txt"]}


def files_of(kind: str, archives: int = REVISITOP1M_ARCHIVES) -> dict:
    if kind == "revisitop1m":
        return distractor_files(kind, archives)
    return DATASET_FILES[kind]


def downloads_of(kind: str, archives: int = REVISITOP1M_ARCHIVES) -> list[str]:
    """Every file name the kind needs downloaded."""
    spec = files_of(kind, archives)
    names = spec["images"] + spec["gt"] + spec.get("lists", [])
    return names + ([spec["gnd"]] if spec["gnd"] else [])


def download_path(data_dir, name: str) -> Path:
    return Path(data_dir) / "downloads" / name


def unpacked_marker(data_dir, kind: str) -> Path:
    return Path(data_dir) / kind / "unpacked.json"


def layout(data_dir, kind: str, archives: int = REVISITOP1M_ARCHIVES) -> dict:
    """Where a reader finds the kind's images and ground truth once unpacked."""
    spec = files_of(kind, archives)
    root = Path(data_dir) / kind
    return {"images": root / "images", "gt": root / "gt" if spec["gt"] else None,
            "gnd": download_path(data_dir, spec["gnd"]) if spec["gnd"] else None,
            "lists": [download_path(data_dir, n) for n in spec.get("lists", [])]}


def missing_downloads(downloads: dict, names) -> list[str]:
    """Files a config needs but gives no URL for (checked before any job runs)."""
    return [n for n in names if not (downloads.get(n) or {}).get("urls")]


def verify(path, sha256: str | None) -> None:
    """A file placed by hand (a dead link's workaround) is checked like a download."""
    if sha256 and download.sha256_of(path) != sha256:
        raise download.ChecksumMismatch(f"{path} has sha256 {download.sha256_of(path)}, "
                                         f"expected {sha256}: delete it and fetch it again")


def unpack(kind: str, data_dir, archives: int = REVISITOP1M_ARCHIVES,
           checksums: dict | None = None) -> dict:
    """Extract the kind's archives safely into its layout; the marker is written last.
    `checksums` (file -> sha256 or None) re-verifies every file first."""
    spec, where = files_of(kind, archives), layout(data_dir, kind, archives)
    for name in downloads_of(kind, archives):
        verify(download_path(data_dir, name), (checksums or {}).get(name))
    done = {}
    for part in ("images", "gt"):
        for name in spec[part]:
            members = safe_files.extract(download_path(data_dir, name), where[part])
            done[name] = {"into": str(where[part]), "members": len(members)}
    save_json(unpacked_marker(data_dir, kind), {"kind": kind, "archives": done})
    return done


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fsrstudy.data.fetch", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    get = commands.add_parser("download", help="fetch one file from its mirrors")
    get.add_argument("file")
    get.add_argument("out")
    get.add_argument("--spec", required=True,
                     help='JSON: {"urls": [...], "sha256": "..." or null}')
    get.add_argument("--retries", type=int, default=3)
    put = commands.add_parser("unpack", help="extract a dataset's archives")
    put.add_argument("kind", choices=sorted(DATASET_FILES) + ["revisitop1m"])
    put.add_argument("data_dir")
    put.add_argument("--archives", type=int, default=REVISITOP1M_ARCHIVES)
    put.add_argument("--checksums", default="{}", help='JSON: {"file": "sha256" or null}')
    args = parser.parse_args(argv)
    if args.command == "download":
        spec = json.loads(args.spec)
        if not spec.get("urls"):
            sys.exit(f"no URL configured for {args.file}: add downloads.{args.file}.urls "
                     "to the config (config/paper.yaml lists the known mirrors)")
        path = download.download(spec["urls"], args.out, spec.get("sha256"),
                                 retries=args.retries)
        print(f"{args.file}: {path.stat().st_size} bytes, sha256 {download.sha256_of(path)}")
    else:
        done = unpack(args.kind, args.data_dir, args.archives, json.loads(args.checksums))
        for name, info in done.items():
            print(f"{name}: {info['members']} members into {info['into']}")


if __name__ == "__main__":
    main()
