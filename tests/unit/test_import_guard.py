"""`fleet-console --help`, `--version` and each subcommand's `--help` import no heavy library.

One fresh interpreter runs them all, as ``fleet-console`` would, one after the
other: after each, no heavy module may be loaded at all. Sharing the interpreter
hides nothing: the first command whose help pulled one in is named before any
later command could reuse it. Last, a control imports the PostgreSQL backend
to show the check sees an import when there is one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = (
    "pydantic", "pydantic_core", "textual", "rich", "pyarrow", "httpx", "starlette", "uvicorn",
    "psycopg2", "pglast", "pyignite", "crate", "xlsxwriter", "python_calamine",
)
"""Libraries a command imports when it runs, never to print its help."""

_CHILD = """
import contextlib, importlib, io, json, sys
import click
from console.cli import cli

HEAVY = set({heavy!r})

def loaded():
    return sorted({{m.split(".")[0] for m in sys.modules}} & HEAVY)

def run(args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(args, prog_name="fleet-console", standalone_mode=False)
    return code == 0 and ("Usage:" in out.getvalue() or "version" in out.getvalue())

def nested(group, ctx, path):
    # below the first level, help is rendered from the context chain: `diff A B sql --help`
    # would load profiles A and B first, which is not what this checks
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        sub = click.Context(command, info_name=name, parent=ctx)
        yield [*path, name], lambda command=command, sub=sub: "Usage:" in command.get_help(sub)
        if isinstance(command, click.Group):
            yield from nested(command, sub, [*path, name])

def probes():
    yield ["--version"], lambda: run(["--version"])
    root = click.Context(cli, info_name="fleet-console")
    for name in cli.list_commands(root):
        yield [name], lambda name=name: run([name, "--help"])
        command = cli.get_command(root, name)
        if isinstance(command, click.Group):
            yield from nested(command, click.Context(command, info_name=name, parent=root), [name])
    yield [], lambda: run(["--help"])  # last: it imports every command to list them

report = {{"at_start": loaded(), "checked": [], "heavy": {{}}, "failed": []}}
for path, show_help in probes():
    label = " ".join([*path, "--help"]) if path != ["--version"] else "--version"
    report["checked"].append(label)
    if not show_help():
        report["failed"].append(label)
    if loaded():  # named at the first command that loaded one: none before it had
        report["heavy"][label] = loaded()
        break
importlib.import_module("console.backends.postgres._client")  # the control: heavy
report["control"] = loaded()
print(json.dumps(report))
"""


def test_help_and_version_import_no_heavy_library() -> None:
    code = _CHILD.format(heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["at_start"] == []
    assert report["heavy"] == {}, f"--help imported a heavy library: {report['heavy']}"
    assert report["failed"] == []
    import console.cli

    checked = set(report["checked"])
    assert {f"{name} --help" for name in console.cli.COMMANDS} <= checked
    assert {"--help", "--version", "jobs list --help", "sql --help"} <= checked
    # the check sees an import (pglast is no longer among them: it loads when a statement
    # first needs the parser, not with the client)
    assert "psycopg2" in report["control"] and "pglast" not in report["control"]


_OPEN = """
import sys
import console.ui.app as app
app.run_app = lambda profile, theme: print(profile.name, theme, "click" in sys.modules)
from console.launch import main
main([])
"""


def test_the_console_opens_without_the_command_line_parser(fleet_home: object) -> None:
    """`fleet-console` alone reads the profile and theme from the environment, as the
    options would, and never imports click; an unknown profile is a message, exit 1."""
    env = {**os.environ, "FLEET_CONSOLE_PROFILE": "local", "FLEET_CONSOLE_THEME": "fleet-light"}
    opened = subprocess.run([sys.executable, "-c", _OPEN], capture_output=True, text=True,
                            env=env)
    assert opened.returncode == 0, opened.stderr[-2000:]
    assert opened.stdout.split() == ["local", "fleet-light", "False"]
    env["FLEET_CONSOLE_PROFILE"] = "no-such-profile"
    failed = subprocess.run([sys.executable, "-m", "console"], capture_output=True, text=True,
                            env=env)
    assert failed.returncode == 1
    assert "error: no profile named 'no-such-profile'" in failed.stderr
    assert "Traceback" not in failed.stderr
