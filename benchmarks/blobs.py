"""Blob throughput: the console's client against curl, on the same CrateDB stand-in, same run.

    .venv/bin/python benchmarks/blobs.py [--mb 200]

The stand-in (two nodes) runs in a process of its own, and each transfer of
the console runs in a fresh child process, so its peak RSS is its own (curl
is a process of its own too). Upload: the console hashes the file, then
streams it; curl is shown both sending a digest it was given and with
``sha1sum`` first, which is the same work. Download: both follow the 307 to
the node holding the blob; the console checks the SHA-1 as it writes, so curl is
shown alone and followed by ``sha1sum``. Targets: at least 0.8x curl each way, peak RSS
under 50 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 1 << 20
PASSWORD = "bench-secret"
FOLLOW = "--location-trusted"
"""curl follows a 307 to the blob's node with the credentials (another port: plain -L
would not send them)."""


def serve(home: str) -> None:
    """Child: run the stand-in's two nodes; print their URLs; serve until stdin closes."""
    os.environ["FLEET_CONSOLE_HOME"] = home
    from console.sandbox import control
    from console.sandbox import serve as serving
    from console.sandbox.cratedb import build
    from console.sandbox.registry import StandInContext

    control.ensure_postgres("local")
    sockets = [serving.bind() for _ in range(2)]
    urls = [serving.url_of(s) for s in sockets]
    ports = [s.getsockname()[1] for s in sockets]
    for sock in sockets:
        sock.close()
    context = StandInContext(profile="local", data_dir=Path(home) / "standin",
                             credentials={"password": PASSWORD},
                             options={"crate_big_mb": "1", "crate_blobs": 10}, urls=urls)
    threads = [serving.ServerThread(app, port=p).start() for app, p in zip(build(context), ports)]
    print(json.dumps(urls), flush=True)
    sys.stdin.read()
    for thread in threads:
        thread.stop()


def client(action: str, urls: list[str], path: str, digest: str) -> None:
    """Child: one transfer through the console's client; print seconds and peak RSS."""
    from console.backends.crate import CrateClient
    from console.profiles.settings import CrateSettings

    crate = CrateClient(CrateSettings(nodes=urls, username="fleet"), PASSWORD)
    crate.sql("SELECT 1")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if action == "upload":
        crate.upload("assets", path)
    else:
        crate.download("assets", digest, path, resume=False)
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": took, "peak_kb": peak, "base_kb": base}))
    crate.close()


def _write(path: Path, size: int) -> str:
    hasher = hashlib.sha1()
    block = os.urandom(MIB)
    with open(path, "wb") as out:
        for i in range(size // MIB):
            chunk = i.to_bytes(8, "big") + block[8:]
            hasher.update(chunk)
            out.write(chunk)
    return hasher.hexdigest()


def _console(action: str, urls: list[str], path: Path, digest: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--client", action, json.dumps(urls),
                          str(path), digest], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"the console's {action} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _curl(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(["curl", "-sS", "-f", "-u", f"fleet:{PASSWORD}", *args], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _delete(urls: list[str], digest: str) -> None:
    subprocess.run(["curl", "-sS", "-u", f"fleet:{PASSWORD}", "-X", "DELETE",
                    f"{urls[0]}/_blobs/assets/{digest}"], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="fleet-bench-blobs-")
    server = subprocess.Popen([sys.executable, __file__, "--serve", home],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        urls = json.loads(server.stdout.readline())
        run(urls, Path(home), args.mb)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(30)
        subprocess.run([sys.executable, "-c", "import os, sys; os.environ['FLEET_CONSOLE_HOME']"
                        f"='{home}'; from console.sandbox import control; control.stop('local')"],
                       check=False)


def run(urls: list[str], home: Path, mb: int) -> None:
    source = home / "blob.bin"
    digest = _write(source, mb * MIB)
    url = f"{urls[0]}/_blobs/assets/{digest}"
    up = _console("upload", urls, source, digest)
    _delete(urls, digest)
    hashing = time.perf_counter()
    subprocess.run(["sha1sum", str(source)], check=True, stdout=subprocess.DEVNULL)
    hashing = time.perf_counter() - hashing
    # A PUT with `Expect: 100-continue` (curl sends it for a large body) to a node without
    # the digest's shard is answered 307: without following it curl "finishes" at once
    # having stored nothing. --location-trusted: the other node is another port, where
    # plain -L would drop the credentials.
    curl_up = _curl([FOLLOW, "-T", str(source), url])
    _curl([FOLLOW, "-I", url])  # stored, or -f fails the run: no figure for a transfer not made
    down = _console("download", urls, home / "console.out", digest)
    curl_down = _curl([FOLLOW, "-o", str(home / "curl.out"), url])
    # the console checks the SHA-1 of what it wrote against the digest: curl then sha1sum
    # is the same work
    checking = time.perf_counter()
    subprocess.run(["sha1sum", str(home / "curl.out")], check=True, stdout=subprocess.DEVNULL)
    checking = time.perf_counter() - checking
    rate = mb * MIB / 1e6
    rows = [("upload", up["seconds"], curl_up, curl_up + hashing),
            ("download", down["seconds"], curl_down, curl_down + checking)]
    print(f"{mb} MB blob on the CrateDB stand-in (2 nodes, loopback)")
    print(f"{'':9} {'console':>12} {'curl':>12} {'ratio':>7} {'curl+sha1':>12} {'ratio':>7}")
    for name, ours, theirs, fair in rows:
        print(f"{name:9} {rate / ours:8.1f} MB/s {rate / theirs:8.1f} MB/s "
              f"{theirs / ours:6.2f}x {rate / fair:8.1f} MB/s {fair / ours:6.2f}x")
    for name, figures in (("upload", up), ("download", down)):
        print(f"console peak RSS during {name}: {figures['peak_kb'] / 1024:.1f} MB "
              f"(before the transfer: {figures['base_kb'] / 1024:.1f} MB; target < 50 MB)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["--client"]:
        client(sys.argv[2], json.loads(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        main()
