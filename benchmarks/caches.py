"""Caches benchmark: the Ignite stand-in's 100,000-entry cache, served from its own process.

Prints:
  * a scan of the whole cache page by page through the console's client
    (``IgniteClient.scan``) and through a bare pyignite loop (``cache.scan``) in the
    same run, as entries per second and their ratio (target: at least 0.8x);
  * get and put latency, p50 and p99, through the console's client and bare pyignite;
  * the time from a node's death to the next successful call through the console's
    client (it moves to a live node), per trial and as median and worst.

Run: .venv/bin/python benchmarks/caches.py [--entries 100000] [--page-size 1000] [--ops 2000]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

PASSWORD = "bench-password-1"


def serve(entries: int, commands: Any, replies: Any) -> None:
    """Child process: three seeded nodes; obeys ``("stop", i)`` / ``("start", i)`` / ``None``."""
    from console.sandbox.ignite import build_cluster
    from console.sandbox.serve import TcpServerThread

    started = time.perf_counter()
    nodes = build_cluster(Path(tempfile.mkdtemp(prefix="ignite-bench-")), password=PASSWORD,
                          options={"entries": entries, "rows": 1000})
    servers = [TcpServerThread(node).start() for node in nodes]
    replies.put(([s.address for s in servers], time.perf_counter() - started))
    while (command := commands.get()) is not None:
        action, index = command
        getattr(servers[index], action)()
        replies.put(command)
    for server in servers:
        server.stop()


def line(label: str, value: str) -> None:
    print(f"  {label:<56} {value}")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def console_client(addresses: list[str]) -> Any:
    from console.backends.ignite import IgniteClient
    from console.profiles import IgniteSettings

    settings = IgniteSettings(nodes=addresses, username="ignite", timeout=10.0,
                              connect_timeout=2.0)
    return IgniteClient(settings, password=PASSWORD)


def bare_client(addresses: list[str]) -> Any:
    from pyignite import Client

    client = Client(username="ignite", password=PASSWORD, timeout=10.0)
    client.connect([(a.rsplit(":", 1)[0], int(a.rsplit(":", 1)[1])) for a in addresses])
    return client


def scan_console(addresses: list[str], page_size: int) -> tuple[int, float]:
    with console_client(addresses) as client:
        client.get_size("telemetry")  # connect outside the clock, as the bare loop does
        began = time.perf_counter()
        count = 0
        with client.scan("telemetry", page_size=page_size) as scan:
            while page := scan.next_page():
                count += len(page)
        return count, time.perf_counter() - began


def scan_bare(addresses: list[str], page_size: int) -> tuple[int, float]:
    client = bare_client(addresses)
    try:
        cache = client.get_cache("telemetry")
        cache.get_size()
        began = time.perf_counter()
        count = 0
        with cache.scan(page_size=page_size) as cursor:
            for _key, _value in cursor:
                count += 1
        return count, time.perf_counter() - began
    finally:
        client.close()


def bench_scan(addresses: list[str], page_size: int) -> None:
    print(f"Scan of the whole cache, pages of {page_size} (best of 3 each, interleaved):")
    console_runs, bare_runs = [], []
    for _ in range(3):  # interleaved, best of each: the machine is shared, runs vary by ~30%
        console_runs.append(scan_console(addresses, page_size))
        bare_runs.append(scan_bare(addresses, page_size))
    (count, console_s), (bare_count, bare_s) = min(console_runs, key=lambda r: r[1]), \
        min(bare_runs, key=lambda r: r[1])
    assert count == bare_count, f"console read {count}, bare loop {bare_count}"
    line("console IgniteClient.scan", f"{count:,} entries in {console_s:.2f} s = "
         f"{count / console_s:,.0f} entries/s")
    line("bare pyignite cache.scan loop", f"{bare_count:,} entries in {bare_s:.2f} s = "
         f"{bare_count / bare_s:,.0f} entries/s")
    ratio = (count / console_s) / (bare_count / bare_s)
    line("ratio console / bare (target >= 0.8x)", f"{ratio:.2f}x")


def bench_latency(addresses: list[str], entries: int, ops: int) -> None:
    from pyignite.datatypes import LongObject, String

    from console.backends.ignite import CacheSpec, typed

    rng = random.Random(7)
    keys = [rng.randrange(entries) for _ in range(ops)]
    print(f"Latency of {ops:,} gets (random keys) and {ops:,} puts:")
    with console_client(addresses) as client:
        client.create_cache(CacheSpec("bench-puts"), if_absent=True)
        gets = _timed(lambda k: client.get("telemetry", typed(str(k), "long")), keys)
        puts = _timed(lambda k: client.put("bench-puts", typed(str(k), "long"),
                                           typed(f"value-{k}")), keys)
    bare = bare_client(addresses)
    try:
        cache, target = bare.get_cache("telemetry"), bare.get_cache("bench-puts")
        bare_gets = _timed(lambda k: cache.get(k, LongObject), keys)
        bare_puts = _timed(lambda k: target.put(k, f"value-{k}", LongObject, String), keys)
    finally:
        bare.close()
    for label, samples in (("console get", gets), ("bare pyignite get", bare_gets),
                           ("console put", puts), ("bare pyignite put", bare_puts)):
        line(label, f"p50 {percentile(samples, 50) * 1000:.3f} ms   "
             f"p99 {percentile(samples, 99) * 1000:.3f} ms")


def _timed(call: Any, keys: list[int]) -> list[float]:
    samples = []
    for key in keys:
        began = time.perf_counter()
        call(key)
        samples.append(time.perf_counter() - began)
    return samples


def bench_failover(addresses: list[str], commands: Any, replies: Any, trials: int) -> None:
    from console.backends.ignite import typed
    from console.errors import ConsoleError

    print(f"From a node's death to the next successful call ({trials} trials, console client):")
    waits = []
    with console_client(addresses) as client:
        for trial in range(trials):
            client.get("greetings", typed("en"))
            victim = addresses.index(client.answered_by) if client.answered_by else trial % 3
            commands.put(("stop", victim))
            replies.get()
            began = time.perf_counter()
            while True:  # the next call, and any it takes to succeed
                try:
                    client.get("greetings", typed("en"))
                    break
                except ConsoleError:  # counted into the wait, as an operator would wait
                    continue
            waits.append(time.perf_counter() - began)
            line(f"trial {trial + 1}: {addresses[victim]} stopped", f"next answer from "
                 f"{client.answered_by} after {waits[-1] * 1000:.1f} ms")
            commands.put(("start", victim))
            replies.get()
    line("median / worst", f"{statistics.median(waits) * 1000:.1f} ms / "
         f"{max(waits) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--ops", type=int, default=2000)
    parser.add_argument("--trials", type=int, default=6)
    args = parser.parse_args()
    context = mp.get_context("spawn")
    commands, replies = context.Queue(), context.Queue()
    child = context.Process(target=serve, args=(args.entries, commands, replies), daemon=True)
    child.start()
    addresses, seeded = replies.get(timeout=120)
    print(f"Ignite stand-in: 3 nodes {', '.join(addresses)}, seeded in {seeded:.1f} s "
          f"(its own process)")
    try:
        bench_scan(addresses, args.page_size)
        bench_latency(addresses, args.entries, args.ops)
        bench_failover(addresses, commands, replies, args.trials)
    finally:
        commands.put(None)
        child.join(timeout=10)
        if child.is_alive():
            child.terminate()


if __name__ == "__main__":
    main()
