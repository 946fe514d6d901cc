"""The Databases pane's Roles view: list, create, rotate, grant, revoke, drop.

A ``Pane`` part, like ``DataJobsPart``. Every change runs in a worker; a new
key is shown once (``KeyScreen``) and kept in the profile only if asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.message import Message

from console import profiles
from console.backends.postgres import NewKey, Owned, RoleGrant, RoleInfo, Roles
from console.errors import BadQuery
from console.ui.confirm import Confirmation, ConfirmScreen
from console.ui.databases.roles_view import KeyScreen, RolesView
from console.ui.panes.base import Pane
from console.ui.widgets.prompts import TextPrompt

KEY_SECTION = "roles"
"""The credentials file's section kept keys go in (as ``fleet-console roles --keep``)."""


@dataclass
class RolesLoaded(Message):
    """Roles and their grants were read."""

    roles: list[RoleInfo]
    grants: list[RoleGrant]


@dataclass
class KeyMade(Message):
    """A role got a new key, to show once."""

    key: NewKey
    what: str


@dataclass
class DropChecked(Message):
    """What a role owns, read before asking whether to drop it."""

    role: str
    owned: Owned


@dataclass
class RolesChanged(Message):
    """A change went through; say so and list again."""

    text: str


class RolesPart(Pane):
    """The Roles view's workers and questions, as part of the Databases pane."""

    @property
    def roles_view(self) -> RolesView:
        """The roles table."""
        return self.query_one(RolesView)

    def _roles(self) -> Roles:
        return Roles(self.clients.postgres())

    @work(thread=True, exclusive=True, group="roles-list", description="Listing roles",
          exit_on_error=False)
    def load_roles(self) -> None:
        """Read the roles and what each may do."""
        roles = self._roles()
        self.post_message(RolesLoaded(roles.list(), roles.grants()))

    @on(RolesLoaded)
    def _roles_loaded(self, event: RolesLoaded) -> None:
        self.roles_view.table.show(event.roles, event.grants)

    @on(RolesView.Asked)
    def _asked(self, event: RolesView.Asked) -> None:
        role = event.role or ""
        if event.action == "create":
            self.app.push_screen(TextPrompt("Name of the new login role:",
                                            placeholder="e.g. svc_reporting"),
                                 lambda name: name and self.create_role(name))
        elif event.action == "rotate":
            screen = ConfirmScreen("Rotate key", f'Give role "{role}" a new key? Its current '
                                   "key stops working at once.", action="Rotate")
            self.app.push_screen(screen, lambda ok: ok and self.rotate_key(role))
        elif event.action in ("grant", "revoke"):
            self._ask_place(event.action, role)
        else:
            self.check_drop(role)

    def _ask_place(self, action: str, role: str) -> None:
        verb = "Grant to" if action == "grant" else "Revoke from"
        prompt = TextPrompt(f'{verb} "{role}": DB[:SCHEMA] read|write',
                            value=f"{self.settings_dbname()} read")
        self.app.push_screen(prompt, lambda text: text and self.change_grant(action, role, text))

    def settings_dbname(self) -> str:
        """The database a grant prompt offers first."""
        return self.clients.postgres().settings.dbname

    @work(thread=True, exclusive=True, group="roles-change", description="Creating a role",
          exit_on_error=False)
    def create_role(self, name: str) -> None:
        """Create a login role with a generated key."""
        self.post_message(KeyMade(self._roles().create(name), "created"))

    @work(thread=True, exclusive=True, group="roles-change", description="Rotating a key",
          exit_on_error=False)
    def rotate_key(self, name: str) -> None:
        """Give a role a new key."""
        self.post_message(KeyMade(self._roles().rotate(name), "has a new key"))

    @on(KeyMade)
    def _key_made(self, event: KeyMade) -> None:
        key = event.key
        self.app.push_screen(KeyScreen(key, event.what), lambda keep: self._kept(key, keep))
        self.load_roles()

    def _kept(self, key: NewKey, keep: bool | None) -> None:
        stored = self.profile.credentials.get(KEY_SECTION, {})
        if keep or key.role in stored:  # a key kept before stays current
            self.keep_key(key)

    @work(thread=True, exclusive=False, group="roles-keep", description="Keeping a key",
          exit_on_error=False)
    def keep_key(self, key: NewKey) -> None:
        """Store the key in the profile's 0600 credentials file."""
        profiles.set_secret(self.profile.name, KEY_SECTION, key.role, key.password)
        self.clients.profile = profiles.load(self.profile.name)  # secrets scrubbed from now on
        self.post_message(RolesChanged(f'Key of "{key.role}" kept in the profile.'))

    @work(thread=True, exclusive=True, group="roles-change", description="Changing grants",
          exit_on_error=False)
    def change_grant(self, action: str, role: str, text: str) -> None:
        """Grant or revoke read or write on ``DB[:SCHEMA]``."""
        place, _, level = text.strip().rpartition(" ")
        database, _, schema = place.strip().partition(":")
        if not database or level not in ("read", "write"):
            raise BadQuery(f"{text!r} is not DB[:SCHEMA] read|write", operation=action)
        change = self._roles().grant if action == "grant" else self._roles().revoke
        schemas = change(role, database, schema or None, level)
        done = "Granted" if action == "grant" else "Revoked"
        self.post_message(RolesChanged(f'{done} {level} for "{role}" on {database} '
                                       f"({', '.join(schemas) or 'no schema'})."))

    @work(thread=True, exclusive=True, group="roles-change", description="Checking a role",
          exit_on_error=False)
    def check_drop(self, role: str) -> None:
        """Find what the role owns before asking."""
        self.post_message(DropChecked(role, self._roles().owned(role)))

    @on(DropChecked)
    def _ask_role_drop(self, event: DropChecked) -> None:
        owned, role = event.owned, event.role
        heir = self.clients.postgres().settings.user
        text = f'Drop role "{role}"? Its grants are revoked and its sessions ended.'
        force = None
        if owned.total:
            text += f" It owns {owned.describe()}: dropping is refused unless they are reassigned."
            force = f'Reassign what it owns to "{heir}" first'
        screen = ConfirmScreen("Drop role", text, action="Drop", force=force)
        self.app.push_screen(screen, lambda answer: self._role_drop_confirmed(role, heir, answer))

    def _role_drop_confirmed(self, role: str, heir: str, answer: Confirmation | None) -> None:
        if answer is not None:
            self.drop_role(role, heir if answer.force else None)

    @work(thread=True, exclusive=True, group="roles-change", description="Dropping a role",
          exit_on_error=False)
    def drop_role(self, role: str, reassign_to: str | None) -> None:
        """Drop the role (reassigning what it owns when asked)."""
        self._roles().drop(role, reassign_to=reassign_to)
        self.post_message(RolesChanged(f'Role "{role}" dropped.'))

    @on(RolesChanged)
    def _roles_changed(self, event: RolesChanged) -> None:
        self.notify(event.text, title="Roles")
        self.load_roles()
