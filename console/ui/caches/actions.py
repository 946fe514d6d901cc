"""What the Caches pane writes, and how it asks first: lookup, put, edit, remove, create,
destroy. A mixin of ``CachesPane``: its workers run in threads, its dialogs save in their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.widget import Widget

from console.backends.ignite import CacheInfo, Entry, IgniteClient, Typed, editable, typed
from console.errors import ConsoleError
from console.ui.caches.dialogs import (
    CreateCacheScreen,
    DestroyCacheScreen,
    LookupScreen,
    PutEntryScreen,
)
from console.ui.caches.messages import CachesChanged, EntryFound
from console.ui.confirm import Confirmation, ConfirmScreen

if TYPE_CHECKING:
    from console.ui.caches.entry_table import EntryTable


class CacheActions(Widget):
    """The writes of the Caches pane (``CachesPane`` provides what is declared here).

    A ``Widget`` so that its ``@on`` handlers and workers register; it comes after ``Pane``
    in ``CachesPane``'s bases, so the pane is still selected as a ``Pane`` (Textual follows the
    first base for CSS type names).
    """

    opened: str | None
    entry_table: EntryTable

    def _client(self) -> IgniteClient:
        raise NotImplementedError

    def selected_cache(self) -> CacheInfo | None:
        raise NotImplementedError

    def current_entry(self) -> Entry | None:
        raise NotImplementedError

    def open_cache(self, name: str) -> None:
        raise NotImplementedError

    def action_back(self) -> None:
        raise NotImplementedError

    def _load(self) -> None:
        raise NotImplementedError

    def _show_value(self) -> None:
        raise NotImplementedError

    def action_lookup(self) -> None:
        cache = self.selected_cache()
        if cache is not None:
            self.app.push_screen(LookupScreen(cache.name),
                                 lambda found: self._looked_up(cache.name, found))

    def _looked_up(self, cache: str, found: tuple[str, str] | None) -> None:
        if found is not None:
            self._lookup(cache, *found)

    @work(thread=True, exclusive=True, group="caches-lookup", description="Looking a key up",
          exit_on_error=False)
    def _lookup(self, cache: str, key: str, key_type: str) -> None:
        client = self._client()
        wanted = typed(key, key_type)
        entry = client.get(cache, wanted)
        if entry is None and key_type == "auto" and wanted.type_name == "long":
            try:
                entry = client.get(cache, typed(key, "int"))
            except ConsoleError:  # beyond Int's range: no Int key can match
                entry = None
        self.post_message(EntryFound(cache, key, key_type, entry))

    @on(EntryFound)
    def _entry_found(self, event: EntryFound) -> None:
        if event.entry is None:
            self.notify(f"{event.cache} holds no {event.key_type} key {event.key_text!r}.",
                        title="Lookup", severity="warning", markup=False)
            return
        if self.opened != event.cache:
            self.open_cache(event.cache)
        self.entry_table.place(event.entry)
        self._show_value()

    def action_put(self) -> None:
        cache = self.selected_cache()
        if cache is not None:
            self._client_then(lambda client: PutEntryScreen(client, cache.name), cache.name)

    def action_edit(self) -> None:
        entry, cache = self.current_entry(), self.opened
        if entry is None or cache is None:
            return
        shown = editable(entry.value)
        if shown is None:
            self.notify(f"A {entry.value_type} value is shown, not edited, here.",
                        title="Edit", severity="warning", markup=False)
            return
        self._edit(cache, entry, *shown)

    @work(thread=True, exclusive=True, group="caches-edit", description="Finding the key's type",
          exit_on_error=False)
    def _edit(self, cache: str, entry: Entry, value: str, value_type: str) -> None:
        client = self._client()
        key = client.key_of(cache, entry.key)
        screen = PutEntryScreen(client, cache, key=entry.key_text, key_type=key.type_name,
                                value=value, value_type=value_type)
        self.app.call_from_thread(self.app.push_screen, screen,
                                  lambda done: self._written(cache, done))

    @work(thread=True, exclusive=True, group="caches-dialog", description="Connecting",
          exit_on_error=False)
    def _client_then(self, make: Callable[[IgniteClient], PutEntryScreen], cache: str) -> None:
        client = self._client()
        screen = make(client)
        self.app.call_from_thread(self.app.push_screen, screen,
                                  lambda done: self._written(cache, done))

    def _written(self, cache: str, key: Typed | None) -> None:
        if key is None:
            return
        self.notify(f"Wrote {key.type_name} key {key.value!r} in {cache}.", title="Caches",
                    markup=False)
        self._lookup(cache, str(key.value), key.type_name)

    def action_remove(self) -> None:
        entry, cache = self.current_entry(), self.opened
        if entry is None or cache is None:
            return
        screen = ConfirmScreen("Remove entry", f"Remove key {entry.key_text!r} "
                               f"({entry.value_type} value) from cache {cache}?", action="Remove")
        self.app.push_screen(screen, lambda answer: self._remove_confirmed(cache, entry, answer))

    def _remove_confirmed(self, cache: str, entry: Entry, answer: Confirmation | None) -> None:
        if answer is not None:
            self._remove(cache, entry)

    @work(thread=True, exclusive=True, group="caches-write", description="Removing an entry",
          exit_on_error=False)
    def _remove(self, cache: str, entry: Entry) -> None:
        client = self._client()
        client.remove_key(cache, client.key_of(cache, entry.key))
        self.post_message(CachesChanged(f"Removed key {entry.key_text!r} from {cache}.", cache))

    # -- create and destroy ------------------------------------------------------------------

    def action_new_cache(self) -> None:
        self._client_then_create()

    @work(thread=True, exclusive=True, group="caches-dialog", description="Connecting",
          exit_on_error=False)
    def _client_then_create(self) -> None:
        screen = CreateCacheScreen(self._client())
        self.app.call_from_thread(self.app.push_screen, screen, self._created)

    def _created(self, made: CacheInfo | None) -> None:
        if made is not None:
            self.post_message(CachesChanged(f"Created cache {made.name} ({made.mode}, "
                                            f"{made.backups} backups, {made.atomicity}).", None))

    def action_destroy(self) -> None:
        cache = self.selected_cache()
        if cache is not None:
            self.app.push_screen(DestroyCacheScreen(cache),
                                 lambda yes: self._destroy(cache.name) if yes else None)

    @work(thread=True, exclusive=True, group="caches-write", description="Destroying a cache",
          exit_on_error=False)
    def _destroy(self, name: str) -> None:
        self._client().destroy_cache(name)
        self.post_message(CachesChanged(f"Destroyed cache {name}.", None))

    @on(CachesChanged)
    def _changed(self, event: CachesChanged) -> None:
        self.notify(event.text, title="Caches", markup=False)
        if event.cache is None:
            self.action_back()
            self._load()
        elif event.cache == self.opened:
            self.open_cache(event.cache)
