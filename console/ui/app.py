"""The console app: header, tabs of panes, command line, filter bar and footer.

``run_app(profile)`` is what ``fleet-console`` (no subcommand) calls. The app
composes the parts and routes the keys that work everywhere; each pane owns
its own workers and keys.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from dataclasses import replace
from functools import partial

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from console import profiles
from console.clients import Clients, LocalService
from console.errors import ConsoleError
from console.profiles import Profile, preferences, ui_state
from console.ui import tabs, themes
from console.ui.audit_screen import AuditScreen
from console.ui.command_line import Command, CommandLine
from console.ui.crash import NoLocalsOnCrash
from console.ui.errors import report_error, report_failure
from console.ui.filter_bar import FilterBar
from console.ui.header import ProfileHeader
from console.ui.help import HelpScreen, keys_of
from console.ui.leaving import COMMIT, TransactionPrompt, open_transactions
from console.ui.palette import binding_commands
from console.ui.panes.base import Pane
from console.ui.profile_picker import ProfileChoice, ProfilePicker
from console.ui.themes.choice import ThemeChoice
from console.ui.widgets.footer import Footer
from console.ui.workspace import Workspace, focus_first

_TAB_BINDINGS = [
    Binding(spec.key, f"show_tab('{spec.pane_id}')", spec.title, show=False,
            tooltip=f"Open the {spec.title} pane", id=f"go-{spec.pane_id}")
    for spec in tabs.CATALOGUE
]


def env_class(profile_name: str) -> str:
    """Return the app class naming the environment, e.g. ``-env-prod`` (``.`` becomes ``-``)."""
    return "-env-" + re.sub(r"[^A-Za-z0-9_-]", "-", profile_name)


class FleetConsole(NoLocalsOnCrash):
    """Fleet Console, on one profile at a time."""

    TITLE = "Fleet Console"
    CSS = themes.stylesheet()
    BINDINGS = [
        *_TAB_BINDINGS,
        Binding("colon", "command_line", "Command", tooltip="Open the : command line",
                id="command-line"),
        Binding("slash", "filter", "Filter", tooltip="Filter the current table", id="filter"),
        Binding("question_mark", "help", "Keys", tooltip="List the keys of this pane", id="help"),
        Binding("f1", "help", "Keys", show=False, priority=True,
                tooltip="List the keys of this pane (works while typing)", id="help-f1"),
        Binding("ctrl+o", "pick_profile", "Profile", priority=True,
                tooltip="Switch to another environment (profile)", id="switch-profile"),
        Binding("q", "quit", "Quit", show=False,
                tooltip="Leave the console (outside a text field)", id="quit"),
    ]

    def __init__(self, profile: Profile, *, start_services: bool | None = None,
                 theme: str | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.start_services = profile.settings.sandbox if start_services is None else start_services
        self.clients = self._clients_for(profile)
        # no client is made before the first frame is on screen (see on_mount)
        self._release_clients = self.clients.hold_until_drawn()
        self.found = tabs.registered()
        self.specs = tabs.tab_specs(self.found)
        # importing the stand-ins costs a few hundred ms: only a sandbox profile's hints need
        # them, once a tab shows one (with the services running, none does)
        self._stand_ins: frozenset[str] | None = None
        self._pane_filters: dict[str, str] = {}
        """What the ``/`` bar last held on each pane, by profile and pane id."""
        self._kept: dict[str, tuple[Workspace, Clients]] = {}
        """Profiles left during this run: their tabs (hidden, live refresh paused) and
        clients, exactly as the operator left them, to come back to."""
        self._current: Workspace | None = None
        self._loaded_themes = themes.load_themes()
        for loaded in self._loaded_themes.themes:
            self.register_theme(loaded)
        self.theme_choice = ThemeChoice(self.available_themes, override=theme)
        """``--theme`` for this run, else each profile's own theme, else the default."""
        self._showing_profile_theme = False
        self._show_theme(profile)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {**super().get_theme_variable_defaults(), **themes.VARIABLE_DEFAULTS}

    def compose(self) -> ComposeResult:
        yield ProfileHeader(self.profile)
        yield self._workspace()
        yield CommandLine([spec.pane_id for spec in self.specs] + list(tabs.ALIASES),
                          self._command_words)
        yield FilterBar()
        # compact, and no palette entry: at 80 columns every cell counts; the header
        # names ^p and ? instead
        yield Footer()

    @property
    def stand_ins(self) -> frozenset[str]:
        """The profile sections a local stand-in can provide (none off the sandbox)."""
        if self._stand_ins is None:
            self._stand_ins = self.clients.stand_in_sections()
        return self._stand_ins

    def _workspace(self) -> Workspace:
        self._current = Workspace(self.clients, self.specs, self.found, lambda: self.stand_ins)
        return self._current

    def _clients_for(self, profile: Profile) -> Clients:
        return Clients(profile, on_wait=self._rate_limited, start_local=self.start_services)

    def _rate_limited(self, seconds: float) -> None:
        """Tell the operator a 429 is being waited out, as the protocol notes ask."""
        self.notify(f"Rate limited by the service: retrying in {seconds:.0f} s",
                    severity="warning")

    @property
    def workspace(self) -> Workspace:
        """The tabs of the current profile."""
        if self._current is None:
            raise NoMatches("no workspace yet")
        return self._current

    def on_mount(self) -> None:
        self.screen.call_after_refresh(self._release_clients)
        for failure in self._loaded_themes.failed:
            self.notify(failure, title="Theme skipped", severity="warning")
        self._apply_profile(self.profile)
        self.workspace.show(self._opening_tab())

    def _opening_tab(self) -> str:
        """The tab the profile was left on, else the first one."""
        last = ui_state.load(self.profile.name).get("tab")
        known = [spec.pane_id for spec in self.specs]
        return last if last in known else known[0]

    @on(Workspace.PaneShown)
    def _pane_shown(self, event: Workspace.PaneShown) -> None:
        if not self.screen_stack or self._current not in event.pane.ancestors:
            return  # the app is closing, or a profile's tabs are being put away
        # a filter typed for one pane never stays open over another
        self.query_one(FilterBar).hide()
        pane_id = self.workspace.spec_of(event.pane).pane_id
        self.run_worker(partial(self._remember_tab, self.profile.name, pane_id), thread=True,
                        exclusive=True, group="ui-state", description="Remembering the tab",
                        exit_on_error=False)

    @staticmethod
    def _remember_tab(profile_name: str, pane_id: str) -> None:
        with suppress(OSError):  # a full disk costs the operator one key press next time
            ui_state.remember(profile_name, tab=pane_id)

    def _show_theme(self, profile: Profile) -> str | None:
        """Show the theme ``profile`` asks for; return what was wrong with it, if anything."""
        chosen = self.theme_choice.for_profile(profile.settings.theme)
        self._showing_profile_theme = True  # not the operator's pick: nothing to remember
        try:
            self.theme = chosen.name
        finally:
            self._showing_profile_theme = False
        return chosen.problem

    def watch_theme(self, name: str) -> None:
        """The operator picked a theme (the palette's Theme list): this profile keeps it."""
        if self._showing_profile_theme or not self.is_running:
            return
        self.theme_choice.override = None  # the pick wins over --theme from now on
        self.profile = replace(self.profile, settings=self.profile.settings.model_copy(
            update={"theme": name}))
        self.run_worker(partial(preferences.remember, self.profile.name, "theme", name),
                        name="remember-theme", group="remember-theme",
                        description="Saving the theme in the profile", exit_on_error=False,
                        exclusive=True, thread=True)

    def _filter_key(self, pane: Pane) -> str:
        return f"{self.profile.name}/{pane.id}"

    def _apply_profile(self, profile: Profile, *, start: bool = True) -> None:
        problem = self._show_theme(profile)
        if problem:
            self.notify(problem, title="Theme", severity="warning", markup=False)
        for name in [c for c in self.classes if c.startswith(("-env-", "-color-"))]:
            self.remove_class(name)
        self.add_class(env_class(profile.name), f"-color-{profile.settings.color}")
        self.set_class(profile.read_only, "-read-only")
        self.set_keymap(profile.settings.keymap)
        self.sub_title = profile.name
        if self.start_services and start:
            self.query_one(ProfileHeader).show_status("starting local services…")
            self.notify("Starting the local services…", title=profile.name)
            # after the first frame: the worker's imports would hold the GIL while it draws
            self.screen.call_after_refresh(self.start_local_services, self.clients)

    @work(thread=True, exclusive=True, group="services", description="Starting local services",
          exit_on_error=False)
    def start_local_services(self, clients: Clients) -> str:
        # a thread: starting spawns a process and polls its pid file (blocking calls)
        settings = clients.profile.service("postgres")
        if settings is not None and settings.embedded:
            clients.postgres()  # the embedded server starts once, under the lock panes wait on
        return services_summary(clients.start_local_services())

    @on(Worker.StateChanged)
    async def _worker_changed(self, event: Worker.StateChanged) -> None:
        error = report_failure(self, event)
        if event.worker.group != "services" or not event.worker.is_finished:
            return
        self.query_one(ProfileHeader).show_status("")
        if error is None and event.state is WorkerState.SUCCESS:
            self.notify(f"Local services: {event.worker.result}", title=self.profile.name)
            await self._services_started()

    async def _services_started(self) -> None:
        """Show the panes the stand-ins now serve (the registry read their endpoints)."""
        self.profile = self.clients.profile
        workspace = self.workspace
        await workspace.refresh_unconfigured()
        # The operator may have moved on while the panes were replaced (another tab, the
        # `:` line): only a focus the replaced pane took with it is given back.
        if self.focused is None and workspace.current is not None:
            focus_first(workspace.current)

    def action_show_tab(self, pane_id: str) -> None:
        self.workspace.show(pane_id)

    def action_command_line(self) -> None:
        self.query_one(CommandLine).open()

    def action_filter(self) -> None:
        pane = self.workspace.current
        if pane is not None:
            self.query_one(FilterBar).open(self._pane_filters.get(self._filter_key(pane), ""))

    def action_help(self) -> None:
        """``?``: the keys of the dialog in front, else of the current pane."""
        if isinstance(self.screen, HelpScreen):
            return
        keymap = self.profile.settings.keymap
        if isinstance(self.screen, ModalScreen):
            front: DOMNode = self.screen
            title = getattr(front, "help_title", type(front).__name__)
        else:
            pane = self.workspace.current
            if pane is None:
                return
            front, title = pane, self.workspace.spec_of(pane).title
        front_keys = keys_of([front, *front.query("*")], keymap)
        self.push_screen(HelpScreen(title, front_keys, keys_of([self], keymap)))

    def action_pick_profile(self) -> None:
        if isinstance(self.screen, ProfilePicker):
            return
        choices = []
        for name in profiles.names():
            try:
                settings = profiles.load(name).settings
            except ConsoleError:  # listed anyway; choosing it reports what is wrong
                choices.append(ProfileChoice(name, "?", "cannot be read", False))
                continue
            choices.append(ProfileChoice(name, settings.color, settings.description,
                                         settings.read_only))
        self.push_screen(ProfilePicker(choices, self.profile.name), self._profile_picked)

    async def _profile_picked(self, name: str | None) -> None:
        if name and name != self.profile.name:
            await self.switch_profile(name)

    def _command_words(self, command: str) -> list[str]:
        """What the ``:`` line completes after ``command``: profiles, or the pane's words."""
        if command in ("profile", "diff"):
            return profiles.names()
        spec = tabs.resolve(command, self.specs)
        if spec is None or not self.query(Workspace):
            return []
        return self.workspace.pane(spec.pane_id).command_words()

    async def action_quit(self) -> None:
        """Quit, once no transaction is left open."""
        await self.leave_then("quit", self.exit, everywhere=True)

    async def leave_then(self, leaving: str, go: Callable[[], Awaitable[None] | None], *,
                         everywhere: bool = False) -> None:
        """Do ``go`` (quit, switch profile) once the transactions left open are settled.

        With none open it is done at once; otherwise the operator chooses commit, roll
        back or stay, and ``go`` follows only when every block ended as asked.
        ``everywhere``: the profiles kept in the background count too (quitting).
        """
        if self._current is None:
            held = {}
        else:  # quitting closes the profiles kept in the background as well
            kept = [ws for ws, _ in self._kept.values()] if everywhere else []
            held = open_transactions([p for ws in [self._current, *kept] for p in ws.built()])
        if not held:
            result = go()
            if inspect.isawaitable(result):
                await result
            return

        def answered(answer: str | None) -> None:
            if answer is not None:
                self._end_transactions(list(held), answer == COMMIT, go)

        where = [block for blocks in held.values() for block in blocks]
        self.push_screen(TransactionPrompt(where, leaving), answered)

    @work(thread=True, exclusive=True, group="leave", description="Ending open transactions",
          exit_on_error=False)
    def _end_transactions(self, panes: list[Pane], commit: bool,
                          go: Callable[[], Awaitable[None] | None]) -> None:
        answers: list[str] = []
        try:
            for pane in panes:
                answers += pane.end_transactions(commit=commit)
        except ConsoleError as exc:
            self.call_from_thread(report_error, self, exc)
            return
        if commit and any(answer.endswith("ROLLBACK") for answer in answers):
            # a failed block answers COMMIT with ROLLBACK: the operator must know before going
            self.call_from_thread(
                self.notify, "Not committed, the server rolled back: " + ", ".join(answers),
                title="Transaction", severity="error", markup=False)
            return
        self.call_from_thread(self.call_later, go)

    async def switch_profile(self, name: str) -> None:
        """Reopen every pane on profile ``name`` once the transactions left open are settled;
        a bad profile leaves things as they were."""
        try:
            profile = profiles.load(name)
        except ConsoleError as exc:
            report_error(self, exc)
            return
        await self.leave_then(f"switch to profile '{name}'", partial(self._switch_to, profile))

    async def _switch_to(self, profile: Profile) -> None:
        """Show ``profile``'s tabs: as they were left, or new; the left ones are kept."""
        leaving = self.workspace
        if (pane := leaving.current) is not None:
            pane.pane_hidden()  # its live refresh pauses while another profile is shown
        leaving.display = False
        # A hidden widget keeps the focus: keys typed while the next tabs are built (`q`)
        # would go into the editor left behind instead of to the app.
        self.screen.set_focus(None)
        self.query_one(FilterBar).hide()
        self._kept[self.profile.name] = (leaving, self.clients)
        self.profile = profile
        self.start_services = profile.settings.sandbox
        kept = self._kept.pop(profile.name, None)
        if kept is None:
            self.clients = self._clients_for(profile)
            if profile.settings.sandbox and not self._stand_ins:
                self._stand_ins = None  # read again when a hint needs them
            await self.mount(self._workspace(), before=self.query_one(CommandLine))
            self.workspace.show(self._opening_tab())
        else:
            self._current, self.clients = kept
            self._current.display = True
            if (pane := self._current.current) is not None:
                pane.pane_shown()
                focus_first(pane)
        self.query_one(ProfileHeader).show_profile(profile)
        self._apply_profile(profile, start=kept is None)
        self.notify(f"Switched to profile '{profile.name}'"
                    + (", as you left it." if kept else "."), title=profile.name)

    @on(CommandLine.Entered)
    async def _command_entered(self, event: CommandLine.Entered) -> None:
        await self.execute(event.command)

    async def execute(self, command: Command) -> None:
        """Carry out a ``:`` command."""
        if command.name in ("quit", "q"):
            await self.action_quit()
        elif command.name == "profile":
            if command.args:
                await self.switch_profile(command.args)
            else:
                self.action_pick_profile()
        elif command.name == "help":
            self.action_help()
        elif command.name == "audit":
            self.push_screen(AuditScreen(self.profile.name))
        elif command.name == "diff":
            self.open_diff(command.args)
        elif (spec := tabs.resolve(command.name, self.specs)) is not None:
            (await self.workspace.open(spec.pane_id)).run_command(command.args)
        else:
            self.notify(f"Unknown command ':{command.name}'. Try :sql, :db, :jobs, "
                        ":profile NAME or :quit.", title="Command", severity="warning")
            self._refocus()

    def open_diff(self, args: str) -> None:
        """``:diff PROFILE``: the current pane's view on another profile, beside this one's."""
        from console.ui.diff import diff_screen

        screen = diff_screen(self.workspace.current, self.clients, args)
        if screen is not None:
            self.push_screen(screen)

    @on(CommandLine.Closed)
    @on(FilterBar.Closed)
    def _refocus(self) -> None:
        if self.query_one(FilterBar).display or self.query_one(CommandLine).display:
            return  # reopened before this arrived (`/` right after Escape): it keeps the keys
        pane = self.workspace.current
        if pane is not None:
            focus_first(pane)

    @on(FilterBar.FilterChanged)
    def _filter_changed(self, event: FilterBar.FilterChanged) -> None:
        pane = self.workspace.current
        if pane is not None:
            self._pane_filters[self._filter_key(pane)] = event.text
            pane.apply_filter(event.text)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        front: list[DOMNode] = []
        if isinstance(screen, ModalScreen):
            front = [screen, *screen.query("*")]
        elif (pane := self.workspace.current) is not None:
            front = [pane, *pane.query("*")]
        yield from binding_commands(self, [*front, self], self.profile.settings.keymap)
        yield from super().get_system_commands(screen)
        for spec in self.specs:
            yield SystemCommand(f"Go to {spec.title}", f"Open the {spec.title} pane "
                                f"(key {spec.key})", partial(self.action_show_tab, spec.pane_id))
        yield SystemCommand("Switch profile", "Choose another environment",
                            self.action_pick_profile)
        yield SystemCommand("Keys", "List the keys of the current pane", self.action_help)
        yield SystemCommand("Audit log", "Every write of this profile, newest first",
                            lambda: self.push_screen(AuditScreen(self.profile.name)))

    async def on_unmount(self) -> None:
        for _, clients in self._kept.values():
            await clients.aclose()
        await self.clients.aclose()


def services_summary(report: list[LocalService]) -> str:
    """Say in one line what runs, e.g. ``postgres, balena running``."""
    running = sorted({s.name for s in report if s.state == "running"})
    down = sorted({s.name for s in report if s.state != "running"})
    text = f"{', '.join(running) or 'nothing'} running"
    return f"{text}; not running: {', '.join(down)}" if down else text


def run_app(profile: Profile, *, theme: str | None = None) -> None:
    """Open the console on ``profile`` (in ``theme``, for this run) until the operator quits."""
    FleetConsole(profile, theme=theme).run()
