"""Downloads against a real HTTP server on 127.0.0.1: resume, mirrors, checksums."""
import hashlib
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fsrstudy.data import download

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB
SHA = hashlib.sha256(PAYLOAD).hexdigest()


class Handler(BaseHTTPRequestHandler):
    drops_left = {"/drop": 1}
    requests = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.requests.append((self.path, self.headers.get("Range")))
        if self.path not in ("/file", "/drop", "/other"):
            self.send_error(404)
            return
        body = PAYLOAD if self.path != "/other" else PAYLOAD[::-1]
        start = 0
        if self.headers.get("Range"):
            start = int(self.headers["Range"].split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        if self.path == "/drop" and Handler.drops_left["/drop"] > 0:
            Handler.drops_left["/drop"] -= 1
            self.wfile.write(body[start:start + len(body) // 3])
            self.wfile.flush()
            self.connection.shutdown(2)  # the connection drops mid-file
            return
        self.wfile.write(body[start:])


@pytest.fixture()
def server():
    Handler.drops_left = {"/drop": 1}
    Handler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_plain_download_verifies(server, tmp_path):
    path = download.download(f"{server}/file", tmp_path / "a.bin", SHA, progress=False)
    assert path.read_bytes() == PAYLOAD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]


def test_dropped_connection_resumes_with_range(server, tmp_path):
    path = download.download(f"{server}/drop", tmp_path / "b.bin", SHA, backoff=0.01,
                             progress=False)
    assert download.sha256_of(path) == SHA
    ranges = [r for p, r in Handler.requests if p == "/drop"]
    assert ranges[0] is None and ranges[1] == f"bytes={len(PAYLOAD) // 3}-"


def test_wrong_checksum_leaves_nothing_to_trust(server, tmp_path):
    with pytest.raises(download.ChecksumMismatch, match="expected"):
        download.download(f"{server}/other", tmp_path / "c.bin", SHA, backoff=0.01,
                          progress=False)
    assert list(tmp_path.iterdir()) == []


def test_dead_first_mirror_falls_through(server, tmp_path):
    path = download.download([f"{server}/missing", f"{server}/file"], tmp_path / "d.bin",
                             SHA, retries=2, backoff=0.01, progress=False)
    assert path.read_bytes() == PAYLOAD
    assert [p for p, _ in Handler.requests] == ["/missing", "/missing", "/file"]


def test_unknown_checksum_warns_with_the_measured_sum(server, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        download.download(f"{server}/file", tmp_path / "e.bin", None, progress=False)
    assert any(SHA in str(w.message) and "NO CHECKSUM" in str(w.message) for w in caught)


def test_not_enough_disk_is_reported(tmp_path):
    with pytest.raises(download.DownloadError, match="not enough free disk"):
        download.check_free_space(tmp_path, 10 ** 18)


def test_complete_partial_file_is_verified_not_refetched(server, tmp_path):
    class Complete(Handler):
        def do_GET(self):
            Handler.requests.append((self.path, self.headers.get("Range")))
            self.send_error(416)

    (tmp_path / "f.bin.part").write_bytes(PAYLOAD)  # a run that died before renaming
    Handler.requests = []
    from http.server import ThreadingHTTPServer as Server
    httpd = Server(("127.0.0.1", 0), Complete)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        path = download.download(f"http://127.0.0.1:{httpd.server_port}/file",
                                 tmp_path / "f.bin", SHA, progress=False)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert path.read_bytes() == PAYLOAD and Handler.requests[0][1] == f"bytes={len(PAYLOAD)}-"
