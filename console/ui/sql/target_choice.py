"""Where the SQL pane runs statements: the picker, ``:sql NAME`` and the catalog.

The picker lists every engine the profile reaches — PostgreSQL's databases,
then each cluster's schemas — so running SQL on Ignite or CrateDB is the same
gesture as switching databases. The catalog (schemas, relations, columns) is
read in a worker for completion each time the target changes; one that arrives
for a target no longer chosen is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.backends.sql import Target
from console.errors import ConsoleError
from console.ui.sql import messages
from console.ui.widgets.prompts import ChoiceScreen

if TYPE_CHECKING:
    from console.ui.panes.sql import SqlPane


class TargetChoice:
    """Choose the target statements run in, and read its catalog for completion."""

    def __init__(self, pane: SqlPane, target: Target) -> None:
        self.pane = pane
        self.target = target
        """Where statements run now."""
        self.known: list[str] = []
        """Every target's label, as last listed (what ``:sql`` completes)."""
        self._listed = False

    def use(self, target: Target) -> None:
        """Run later statements in ``target``."""
        if target == self.target:
            return
        self.target = target
        self.pane.editor.catalog = None
        self.pane.show_target()
        self.load_catalog()
        self.pane.notify(f"Statements now run in {target.label}.", timeout=3)

    def use_name(self, name: str) -> None:
        """``:sql NAME``: a database name, or ``engine:schema`` for a cluster."""
        engine, _, schema = name.partition(":")
        if schema and engine in ("ignite", "cratedb"):
            self.use(Target(engine, schema))
        else:
            self.use(Target("postgres", name))

    def load_catalog(self) -> None:
        """Read the current target's catalog for completion, in a worker."""
        target = self.target

        def read() -> None:
            catalog = self.pane.runner.engine(target).catalog(target)
            self.pane.post_message(messages.CatalogLoaded(target, catalog))

        self.pane.run_worker(read, thread=True, exclusive=True, group="sql-catalog",
                             description="Reading the catalog", exit_on_error=False)

    def catalog_loaded(self, event: messages.CatalogLoaded) -> None:
        """Hand a catalog to the editor if it is still the current target's."""
        if event.target == self.target:
            self.pane.editor.catalog = event.catalog

    def names(self) -> list[str]:
        """Every target's label, for ``:sql`` completion; the first call lists them quietly
        (the keys typed after it complete from that list)."""
        if not self._listed:
            self._listed = True
            self.pick(open_picker=False)
        return self.known or [self.target.label]

    def pick(self, *, open_picker: bool = True) -> None:
        """List every engine's targets, in a worker; the picker opens when they arrive
        (unless ``open_picker`` is false: the names are only kept for ``:sql`` completion)."""

        def list_targets() -> None:
            targets: list[Target] = []
            failures: list[str] = []
            for engine in self.pane.clients.engines():
                try:
                    targets.extend(engine.targets())
                except ConsoleError as exc:
                    failures.append(f"{engine.title}: {exc}")
            self.pane.post_message(messages.TargetsLoaded(targets, failures, open_picker))

        self.pane.run_worker(list_targets, thread=True, exclusive=True, group="sql-targets",
                             description="Listing where SQL can run", exit_on_error=False)

    def targets_loaded(self, event: messages.TargetsLoaded) -> None:
        """Open the picker on what the engines listed (and say which could not answer)."""
        self.known = [target.label for target in event.targets]
        if not event.pick:
            return
        for failure in event.failures:
            self.pane.notify(failure, title="Not listed", severity="warning", markup=False)
        if not event.targets:
            return
        by_label = {target.label: target for target in event.targets}
        choices = [(label, label) for label in by_label]
        screen = ChoiceScreen("Run statements in:", choices, self.target.label)

        def chosen(label: str | None) -> None:
            if label:
                self.use(by_label[label])

        self.pane.app.push_screen(screen, chosen)
