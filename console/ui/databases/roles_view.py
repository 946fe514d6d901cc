"""The Roles view: login roles and what each may do, with keys to change them.

The view only shows and asks; the pane runs every change in a worker. A new
key (password) is shown once in ``KeyScreen``, which offers to keep it in the
profile's credentials file.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from console.backends.postgres import NewKey, RoleGrant, RoleInfo
from console.ui.widgets.table_keys import TableKeys


def grants_text(grants: list[RoleGrant]) -> str:
    """``app=read, app:ops=write`` for one role."""
    return ", ".join(f"{g.database}{':' + g.schema if g.schema else ''}={g.access}"
                     for g in grants) or "—"


class RolesTable(TableKeys, DataTable[Text]):
    """One row per role, keyed by name."""

    BINDINGS = TableKeys.BINDINGS

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)

    def on_mount(self) -> None:
        for key, label in (("name", "Role"), ("login", "Login"), ("grants", "Grants"),
                           ("flags", "Flags"), ("until", "Valid until")):
            self.add_column(label, key=key)

    def show(self, roles: list[RoleInfo], grants: list[RoleGrant]) -> None:
        """Show the roles, keeping the cursor on the same role."""
        selected = self.selected
        self.clear()
        by_role: dict[str, list[RoleGrant]] = {}
        for grant in grants:
            by_role.setdefault(grant.role, []).append(grant)
        for role in roles:
            flags = ",".join(f for f, on in (("super", role.superuser),
                                             ("createdb", role.create_db),
                                             ("createrole", role.create_role)) if on)
            until = role.valid_until.isoformat(sep=" ", timespec="minutes") \
                if role.valid_until else ""
            shown = "superuser: all" if role.superuser else grants_text(by_role.get(role.name, []))
            self.add_row(Text(role.name), Text("yes" if role.login else "no"),
                         Text(shown, overflow="ellipsis", no_wrap=True), Text(flags),
                         Text(until), key=role.name)
        if selected is not None and selected in self.rows:
            self.move_cursor(row=self.get_row_index(selected))

    @property
    def selected(self) -> str | None:
        """The highlighted role."""
        if self.row_count == 0:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


class RolesView(Vertical):
    """The roles table and its keys."""

    BINDINGS = [
        Binding("n", "ask('create')", "New role", tooltip="Create a login role with a new key",
                id="role-create"),
        Binding("r", "ask('rotate')", "Rotate key", tooltip="Give the role a new key",
                id="role-rotate"),
        Binding("a", "ask('grant')", "Grant", tooltip="Grant (allow) read or write on a database",
                id="role-grant"),
        Binding("v", "ask('revoke')", "Revoke", tooltip="Revoke read or write",
                id="role-revoke"),
        Binding("d,delete", "ask('drop')", "Drop role", tooltip="Drop the role (asks first)",
                id="role-drop"),
    ]
    DEFAULT_CSS = """
    RolesView { height: 1fr; }
    RolesView > RolesTable { height: 1fr; }
    RolesView > .roles--help { height: 1; padding: 0 1; background: $panel; }
    """

    @dataclass
    class Asked(Message):
        """The operator asked for a change: ``create``, ``rotate``, ``grant``, ``revoke``
        or ``drop`` (``role`` is the highlighted one, ``None`` for create)."""

        action: str
        role: str | None

    def compose(self) -> ComposeResult:
        yield RolesTable(id="roles-table")
        yield Static("n new · r rotate key · a grant · v revoke · d drop · Esc back",
                     classes="roles--help", markup=False)

    @property
    def table(self) -> RolesTable:
        """The roles table."""
        return self.query_one(RolesTable)

    def action_ask(self, action: str) -> None:
        role = self.table.selected
        if action != "create" and role is None:
            return
        self.post_message(self.Asked(action, None if action == "create" else role))


class KeyScreen(ModalScreen[bool]):
    """Show a new key once; dismisses with whether to keep it in the profile."""

    BINDINGS = [
        Binding("escape,enter", "done(False)", "Done", tooltip="Close; the key is not kept",
                id="key-done"),
        Binding("k", "done(True)", "Keep", tooltip="Keep the key in the profile's credentials",
                id="key-keep"),
    ]
    DEFAULT_CSS = """
    KeyScreen { align: center middle; }
    KeyScreen > Vertical { width: 76; max-width: 95%; height: auto; border: thick $warning;
                           background: $surface; padding: 0 1; }
    KeyScreen .key--value { text-style: bold; margin: 1 0; }
    KeyScreen Horizontal { height: auto; align-horizontal: right; }
    KeyScreen Button { margin-left: 2; }
    """

    def __init__(self, key: NewKey, what: str) -> None:
        super().__init__()
        self.key = key
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f'Role "{self.key.role}" {self.what}. Its key, shown this once:',
                         markup=False)
            yield Static(self.key.password, classes="key--value", markup=False, id="key-value")
            yield Static("Copy it now. k keeps it in this profile's credentials file (0600); "
                         "Enter closes without keeping it.", markup=False)
            with Horizontal():
                yield Button("Keep in profile (k)", id="key-keep")
                yield Button("Done (Enter)", variant="primary", id="key-done")

    def action_done(self, keep: bool) -> None:
        self.dismiss(keep)

    @on(Button.Pressed, "#key-keep")
    def _keep(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#key-done")
    def _done(self) -> None:
        self.dismiss(False)
