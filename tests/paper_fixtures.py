"""Synthetic stand-ins of the paper's dataset files, built for tests.

Nothing here is real data: each builder writes, under a given directory, a tiny copy of
the real files of Oxford5K, Paris6K, INRIA Holidays or revisitop1m with the real file
names, archive layouts and ground-truth structures (as the
datasets' own documentation gives them), and returns a plain dict describing what it wrote, so a
test can compare a reader's output with what was encoded. `serve_directory` serves such
a directory over HTTP on 127.0.0.1 (the real hosts are unreachable here).
"""
import contextlib
import gzip
import hashlib
import io
import pickle
import random
import re
import tarfile
import threading
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

# --- images -------------------------------------------------------------------------

def _scene(key: str, seed: int) -> Image.Image:
    """A 160x120 pattern fixed by (key, seed): images of one group are crops of it."""
    rng = random.Random(zlib.crc32(key.encode()) ^ seed)
    colour = lambda: tuple(rng.randrange(256) for _ in range(3))  # noqa: E731
    img = Image.new("RGB", (160, 120), colour())
    draw = ImageDraw.Draw(img)
    for _ in range(3):  # stripes
        x = rng.randrange(160)
        draw.rectangle([x, 0, x + rng.randrange(6, 20), 120], fill=colour())
    for _ in range(4):  # blobs
        x, y, r = rng.randrange(160), rng.randrange(120), rng.randrange(10, 30)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour())
    return img


def _jpeg(key: str, name: str, seed: int, rotate=False) -> tuple[bytes, tuple[int, int]]:
    """JPEG bytes of one image of group `key`: a shifted crop of varying size + noise."""
    rng = np.random.default_rng(zlib.crc32(name.encode()) ^ seed)
    w, h = int(rng.integers(88, 121)), int(rng.integers(60, 85))  # always landscape
    x, y = int(rng.integers(0, 160 - w + 1)), int(rng.integers(0, 120 - h + 1))
    pixels = np.asarray(_scene(key, seed).crop((x, y, x + w, y + h)), dtype=np.int16)
    pixels = np.clip(pixels + rng.integers(-12, 13, pixels.shape), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    img = Image.fromarray(pixels)
    (img.transpose(Image.Transpose.ROTATE_90) if rotate else img).save(out, "JPEG", quality=90)
    return out.getvalue(), ((h, w) if rotate else (w, h))


def _box(name: str, size, seed: int, decimals: int) -> list[float]:
    """A query box well inside an image of `size`, rounded as the gt files write it."""
    rng = random.Random(zlib.crc32(name.encode()) ^ seed ^ 0xB0C5)
    w, h = size
    box = [rng.uniform(0, w / 4), rng.uniform(0, h / 4),
           rng.uniform(3 * w / 4, w - 1), rng.uniform(3 * h / 4, h - 1)]
    return [round(v, decimals) for v in box]


# --- archives -----------------------------------------------------------------------

def _write_tgz(path: Path, members: dict[str, bytes]) -> Path:
    """A .tgz with fixed mtimes, so the same seed gives the same bytes (and sha256)."""
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tar.addfile(info, io.BytesIO(data))
    return path


def _buildings(root, seed, *, landmarks, extra, numbers, names, prefix, qline, decimals,
               rextra):
    """Shared Oxford/Paris builder: images, original gt .tgz and revisited .pkl."""
    root, (gt_tgz, pkl) = Path(root), names
    root.mkdir(parents=True, exist_ok=True)
    jpegs, sizes, by_lm = {}, {}, {}
    for lm in landmarks + extra:
        by_lm[lm] = [f"{prefix}{lm}_{n:06d}" for n in numbers.get(lm, numbers["*"])]
        for name in by_lm[lm]:  # non-landmark images are each their own scene
            jpegs[name], sizes[name] = _jpeg(lm if lm in landmarks else name, name, seed)

    # Original protocol: 2 queries per landmark; the query image is a database image
    # and is in its own good list.
    gt, members = {}, {}
    for lm in landmarks:
        ims = by_lm[lm]
        lists = [dict(good=[ims[0], ims[1], ims[2]], ok=[ims[3], ims[4]], junk=[ims[5]]),
                 dict(good=[ims[0], ims[1], ims[3]], ok=[ims[2]], junk=[ims[4], ims[5]])]
        for k, lst in enumerate(lists):
            q, image = f"{lm}_{k + 1}", ims[k]
            gt[q] = dict(image=image, bbx=_box(image, sizes[image], seed, decimals), **lst)
            box = " ".join(f"{v:.{decimals}f}" for v in gt[q]["bbx"])
            members[f"{q}_query.txt"] = f"{qline}{image} {box}\n".encode()
            for kind in ("good", "ok", "junk"):
                members[f"{q}_{kind}.txt"] = "".join(f"{n}\n" for n in lst[kind]).encode()
    _write_tgz(root / gt_tgz, members)

    # Revisited protocol: the original queries plus `rextra` more; query images are
    # NOT in imlist (imlist = all images minus the queries).
    qimlist = [g["image"] for g in gt.values()] + rextra
    imlist = sorted(n for n in jpegs if n not in qimlist)
    rgnd, gnd = {}, []
    for i, q in enumerate(qimlist):
        others = [n for n in by_lm[q.rsplit("_", 1)[0][len(prefix):]] if n in imlist]
        others = others[i % len(others):] + others[:i % len(others)]  # vary between queries
        bbx = next((g["bbx"] for g in gt.values() if g["image"] == q), None)
        bbx = bbx or _box(q, sizes[q], seed, decimals)
        rgnd[q] = dict(easy=others[:1], hard=others[1:-1], junk=others[-1:], bbx=bbx)
        gnd.append({k: [imlist.index(n) for n in rgnd[q][k]] for k in ("easy", "hard", "junk")}
                   | {"bbx": bbx})
    with open(root / pkl, "wb") as f:
        pickle.dump({"imlist": imlist, "qimlist": qimlist, "gnd": gnd}, f, protocol=2)

    rev = dict(imlist=imlist, qimlist=qimlist, gnd=rgnd)
    return jpegs, by_lm, dict(
        files={gt_tgz: root / gt_tgz, pkl: root / pkl}, images=sorted(jpegs), sizes=sizes,
        landmarks=by_lm, queries=list(gt), gt=gt, revisited=rev, corrupt=[],
        members={gt_tgz: sorted(members)},
        expected=dict(images=len(jpegs), members=len(jpegs), queries=len(gt),
                      rqueries=len(qimlist), imlist=len(imlist)))


def build_oxford(root, seed=0) -> dict:
    jpegs, _, out = _buildings(
        root, seed, landmarks=["all_souls", "ashmolean", "balliol"], extra=["oxford"],
        numbers={"*": [13, 22, 40, 51, 78, 101], "oxford": [1, 317, 2415]},
        names=("gt_files_170407.tgz", "gnd_roxford5k.pkl"), prefix="", qline="oxc1_",
        decimals=1, rextra=["all_souls_000040", "balliol_000040"])
    members = {f"{n}.jpg": data for n, data in jpegs.items()}  # flat, no folder
    archive = "oxbuild_images-v1.tgz"
    out["files"][archive] = _write_tgz(Path(root) / archive, members)
    out["members"][archive] = sorted(members)
    return out


# Paris: landmarks split across the two image archives; two corrupt files (outside gt).
PARIS_ARCHIVES = {"paris_1-v1.tgz": ["defense", "eiffel"],
                  "paris_2-v1.tgz": ["louvre", "general"]}
PARIS_CORRUPT = {"paris_louvre_000136": "truncated", "paris_general_002391": "empty"}


def build_paris(root, seed=0) -> dict:
    jpegs, by_lm, out = _buildings(
        root, seed, landmarks=["defense", "eiffel", "louvre"], extra=["general"],
        numbers={"*": [605, 12, 87, 140, 233, 391], "general": [7, 1012]},
        names=("paris_120310.tgz", "gnd_rparis6k.pkl"), prefix="paris_", qline="",
        decimals=0, rextra=["paris_eiffel_000087"])
    for archive, lms in PARIS_ARCHIVES.items():
        members = {f"paris/{lm}/{n}.jpg": jpegs[n] for lm in lms for n in by_lm[lm]}
        for name, how in PARIS_CORRUPT.items():
            lm = name.split("_")[1]
            if lm in lms:
                members[f"paris/{lm}/{name}.jpg"] = (
                    _jpeg(lm, name, seed)[0][:200] if how == "truncated" else b"")
        out["files"][archive] = _write_tgz(Path(root) / archive, members)
        out["members"][archive] = sorted(members)
    out["corrupt"] = sorted(PARIS_CORRUPT)
    out["expected"]["members"] += len(PARIS_CORRUPT)
    return out


# Holidays group (first 4 digits) -> number of images; the xxxx00 image is the query.
HOLIDAYS = {"jpg1.tar.gz": {"1000": 3, "1001": 2, "1002": 4},
            "jpg2.tar.gz": {"1003": 2, "1004": 3}}
HOLIDAYS_ROTATED = ["100101"]


def build_holidays(root, seed=0) -> dict:
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    files, groups, images, members_of, rotated = {}, {}, [], {}, []
    for archive, spec in HOLIDAYS.items():
        members = {}
        for g, count in spec.items():
            names = [f"{g}{i:02d}" for i in range(count)]
            for name in names:
                if name in HOLIDAYS_ROTATED:  # real Holidays images are often stored rotated
                    rotated.append(name)
                members[f"jpg/{name}.jpg"], _ = _jpeg(g, name, seed, name in rotated)
            groups[names[0]] = names[1:]
            images += names
        files[archive] = _write_tgz(root / archive, members)
        members_of[archive] = sorted(members)
    return dict(files=files, images=images, queries=list(groups), groups=groups,
                rotated=rotated, corrupt=[], members=members_of,
                expected=dict(images=len(images), queries=len(groups)))


def build_revisitop1m(root, seed=0) -> dict:
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    files, members_of, images = {}, {}, []
    for part in (1, 2):
        members = {}
        for i in range(3):
            digest = hashlib.md5(f"{seed}-{part}-{i}".encode()).hexdigest()
            rel = f"{digest[:2]}/{digest}.jpg"
            members[f"jpg/{rel}"], _ = _jpeg(digest, digest, seed)  # unrelated scenes
            images.append(rel)
        archive = f"revisitop1m.{part}.tar.gz"
        files[archive] = _write_tgz(root / archive, members)
        members_of[archive] = sorted(members)
    (root / "revisitop1m.txt").write_text("".join(f"{rel}\n" for rel in images))
    files["revisitop1m.txt"] = root / "revisitop1m.txt"
    return dict(files=files, images=images, members=members_of, corrupt=[],
                expected=dict(images=len(images)))


# --- HTTP ---------------------------------------------------------------------------

class BaseURL(str):
    """The server's base URL; `.requests` lists requested paths, `.ranges` their Range."""
    requests: list
    ranges: list


@contextlib.contextmanager
def serve_directory(root):
    """Serve the files of `root` on 127.0.0.1 (Range requests supported); yield the URL."""
    root = Path(root).resolve()
    requests, ranges = [], []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def do_GET(self):
            rel = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lstrip("/")
            requests.append("/" + rel)
            ranges.append(self.headers.get("Range"))
            path = (root / rel).resolve()
            if root not in path.parents or not path.is_file():
                self.send_error(404)
                return
            body = path.read_bytes()
            match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range") or "")
            start, end = 0, len(body) - 1
            if match and int(match[1]) >= len(body):  # nothing left: as real servers do
                self.send_error(416)
                return
            if match:
                start = int(match[1])
                end = min(int(match[2]), end) if match[2] else end
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
            else:
                self.send_response(200)
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            self.wfile.write(body[start:end + 1])

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = BaseURL(f"http://127.0.0.1:{httpd.server_port}")
    url.requests, url.ranges = requests, ranges
    try:
        yield url
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
