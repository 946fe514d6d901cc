"""Dialogs of the Caches pane: put or edit an entry, look a key up, create and destroy a cache.

A dialog that writes saves in its own worker and closes only when the write
went through, so a value that does not read as its type stays on screen, with
the reason, to be corrected.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from console.backends.ignite import AUTO, TYPES, CacheInfo, CacheSpec, IgniteClient, typed
from console.errors import ConsoleError
from console.ui.widgets.saving_form import SavingForm

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 72; max-width: 95%; height: auto; max-height: 95%;
                     border: thick $primary; background: $surface; padding: 0 1; }}
{name} .dialog--error {{ color: $error; height: auto; }}
{name} .dialog--row {{ height: auto; }}
{name} .dialog--row Input {{ width: 1fr; }}
{name} .dialog--row Select {{ width: 18; }}
{name} Horizontal.dialog--buttons {{ height: auto; align-horizontal: right; }}
{name} Button {{ margin-left: 2; }}
"""
KEY_TYPES = [(name, name) for name in (AUTO, *TYPES)]
VALUE_TYPES = [(name, name) for name in TYPES]


class PutEntryScreen(SavingForm):
    """Write a key's value (a new entry, or an edit of the shown one); dismisses with the key."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PutEntryScreen")

    def __init__(self, client: IgniteClient, cache: str, *, key: str = "", key_type: str = AUTO,
                 value: str = "", value_type: str = "string") -> None:
        super().__init__()
        self.client = client
        self.cache = cache
        self.editing = bool(key)
        self.initial = (key, key_type, value, value_type)

    def compose(self) -> ComposeResult:
        key, key_type, value, value_type = self.initial
        with Vertical():
            yield Label(f"{'Edit' if self.editing else 'Put'} an entry in {self.cache}",
                        markup=False)
            with Horizontal(classes="dialog--row"):
                yield Input(key, placeholder="key", id="put-key", disabled=self.editing)
                yield Select(KEY_TYPES, value=key_type, allow_blank=False, id="put-key-type",
                             disabled=self.editing)
            with Horizontal(classes="dialog--row"):
                yield Input(value, placeholder="value", id="put-value")
                yield Select(VALUE_TYPES, value=value_type, allow_blank=False,
                             id="put-value-type")
            yield Static("", classes="dialog--error", markup=False)
            with Horizontal(classes="dialog--buttons"):
                yield Button("Cancel", id="put-cancel")
                yield Button("Save", variant="primary", id="put-save")

    def on_mount(self) -> None:
        self.query_one("#put-value" if self.editing else "#put-key", Input).focus()

    @on(Button.Pressed, "#put-save")
    @on(Input.Submitted)
    def _save_pressed(self) -> None:
        key, value = self.value("#put-key", strip=False), self.value("#put-value", strip=False)
        if not key:
            self.show_error("A key is needed.")
            return
        try:  # read both before sending: a bad value is said here, nothing is written
            typed_key = typed(key, self.choice("#put-key-type"))
            typed_value = typed(value, self.choice("#put-value-type"))
        except ConsoleError as exc:
            self.show_error(exc.message)
            return
        self.show_error("Saving…")
        self._save(typed_key, typed_value)

    @work(thread=True, exclusive=True, group="caches-put", description="Writing an entry",
          exit_on_error=False)
    def _save(self, key: Any, value: Any) -> None:
        self.client.put(self.cache, key, value)
        self.app.call_from_thread(self.dismiss, key)

    @on(Button.Pressed, "#put-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)


class LookupScreen(SavingForm):
    """Ask for a key and its type; dismisses with ``(key, type)``."""

    DEFAULT_CSS = DIALOG_CSS.format(name="LookupScreen")

    def __init__(self, cache: str, *, key_type: str = AUTO) -> None:
        super().__init__()
        self.cache = cache
        self.key_type = key_type

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Look up a key in {self.cache}", markup=False)
            with Horizontal(classes="dialog--row"):
                yield Input(placeholder="exact key", id="lookup-key")
                yield Select(KEY_TYPES, value=self.key_type, allow_blank=False,
                             id="lookup-type")
            yield Static("Digits alone are tried as a long, then an int (auto).",
                         classes="dialog--error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#lookup-key", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        key, kind = self.value("#lookup-key", strip=False), self.choice("#lookup-type")
        try:
            typed(key, kind)
        except ConsoleError as exc:
            self.show_error(exc.message)
            return
        if key:
            self.dismiss((key, kind))


class CreateCacheScreen(SavingForm):
    """A new cache's name and configuration; dismisses with its ``CacheInfo``."""

    DEFAULT_CSS = DIALOG_CSS.format(name="CreateCacheScreen")

    def __init__(self, client: IgniteClient) -> None:
        super().__init__()
        self.client = client

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("New cache")
            yield Input(placeholder="name", id="create-name")
            with Horizontal(classes="dialog--row"):
                yield Select([("partitioned", "partitioned"), ("replicated", "replicated")],
                             value="partitioned", allow_blank=False, id="create-mode")
                yield Select([("atomic", "atomic"), ("transactional", "transactional")],
                             value="atomic", allow_blank=False, id="create-atomicity")
            yield Input("0", placeholder="backups", id="create-backups", type="integer")
            yield Input(placeholder="SQL schema (optional)", id="create-schema")
            yield Static("", classes="dialog--error", markup=False)
            with Horizontal(classes="dialog--buttons"):
                yield Button("Cancel", id="create-cancel")
                yield Button("Create", variant="primary", id="create-save")

    def on_mount(self) -> None:
        self.query_one("#create-name", Input).focus()

    def spec(self) -> CacheSpec:
        """What the form holds."""
        backups = self.value("#create-backups") or "0"
        return CacheSpec(self.value("#create-name"), mode=self.choice("#create-mode"),
                         backups=int(backups) if backups.lstrip("-").isdigit() else -1,
                         atomicity=self.choice("#create-atomicity"),
                         sql_schema=self.value("#create-schema") or None)

    @on(Button.Pressed, "#create-save")
    @on(Input.Submitted)
    def _create_pressed(self) -> None:
        spec = self.spec()
        if not spec.name:
            self.show_error("A cache needs a name.")
            return
        self.show_error("Creating…")
        self._create(spec)

    @work(thread=True, exclusive=True, group="caches-create", description="Creating a cache",
          exit_on_error=False)
    def _create(self, spec: CacheSpec) -> None:
        made: CacheInfo = self.client.create_cache(spec)
        self.app.call_from_thread(self.dismiss, made)

    @on(Button.Pressed, "#create-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)


class DestroyCacheScreen(SavingForm):
    """Destroying a cache asks for its name to be typed; dismisses with ``True`` when it was."""

    DEFAULT_CSS = DIALOG_CSS.format(name="DestroyCacheScreen") + """
    DestroyCacheScreen > Vertical { border: thick $error; }
    """

    def __init__(self, cache: CacheInfo) -> None:
        super().__init__()
        self.cache = cache

    def compose(self) -> ComposeResult:
        size = f"{self.cache.size:,}" if self.cache.size is not None else "all its"
        with Vertical():
            yield Label(f"Destroy cache {self.cache.name}", markup=False)
            yield Static(f"This deletes the cache and its {size} entries on every node. "
                         "Type its name to go ahead.", markup=False)
            yield Input(placeholder=self.cache.name, id="destroy-name")
            yield Static("", classes="dialog--error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#destroy-name", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value != self.cache.name:
            self.show_error(f"That is not {self.cache.name!r}: nothing was destroyed.")
            return
        self.dismiss(True)
