"""Forms of the Jobs pane: create a job, set fields of many, submit a batch job.

A form that writes (create, submit) saves in its own worker and closes only
when the server took it, so a refused value stays on screen to be corrected.
Forms never build requests: they read what was typed into the backend's own
types (``parse_assignment``, ``parse_tag``) and call the client.
"""

from __future__ import annotations

import shlex
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from console.backends.balsam import (
    JOB_MODES,
    App,
    BalsamClient,
    BatchJob,
    Job,
    Site,
    parse_assignment,
    parse_tag,
)
from console.errors import BadQuery, ConsoleError
from console.ui.widgets.saving_form import SavingForm

FORM_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 76; max-width: 96%; height: auto; max-height: 96%;
                     border: thick $accent; background: $surface; padding: 0 1; }}
{name} .form--error {{ color: $error; height: auto; }}
{name} Horizontal {{ height: auto; align-horizontal: right; }}
{name} Button {{ margin-left: 2; }}
"""


def words(text: str) -> list[str]:
    """Split typed text into words; quotes keep spaces (``note='a b'``).

    Raises:
        BadQuery: an unclosed quote.
    """
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise BadQuery(f"cannot read {text!r}: {exc}") from exc


def read_fields(text: str) -> dict[str, Any]:
    """``num_nodes=4 wall_time_min=30`` → typed update fields.

    Raises:
        BadQuery: nothing typed, or a word that is not a valid ``FIELD=VALUE``.
    """
    found = dict(parse_assignment(word) for word in words(text))
    if not found:
        raise BadQuery("type FIELD=VALUE, e.g. num_nodes=4")
    return found


def read_pairs(text: str, sep: str) -> dict[str, str]:
    """``a=1 b=2`` (or ``exp:A`` tags with ``sep=":"``) → a dict.

    Raises:
        BadQuery: a word without the separator.
    """
    found: dict[str, str] = {}
    for word in words(text):
        if sep == ":":
            key, value = parse_tag(word)
        else:
            key, has, value = word.partition(sep)
            if not has or not key:
                raise BadQuery(f"'{word}' must look like KEY{sep}VALUE")
        found[key] = value
    return found


def read_ids(text: str) -> list[int]:
    """``41 42`` or ``41,42`` → job ids.

    Raises:
        BadQuery: something that is not a positive number.
    """
    ids = []
    for word in text.replace(",", " ").split():
        if not word.isdigit() or int(word) == 0:
            raise BadQuery(f"'{word}' is not a job id")
        ids.append(int(word))
    return ids


class FieldPrompt(ModalScreen[str | None]):
    """Type ``FIELD=VALUE`` words for the marked (or filtered) jobs; checked before closing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Change nothing", id="jobs-fields-cancel")
    ]
    DEFAULT_CSS = FORM_CSS.format(name="FieldPrompt")

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Set fields of {self.scope}: FIELD=VALUE …", markup=False)
            yield Input(placeholder="num_nodes=4 wall_time_min=30", id="jobs-fields-input")
            yield Static("", classes="form--error", markup=False)

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        try:
            read_fields(event.value)
        except ConsoleError as error:
            self.query_one(".form--error", Static).update(error.message)
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class _SavingForm(SavingForm):
    """A Balsam form: the client it saves with, and a Cancel button."""

    error_selector: ClassVar[str] = ".form--error"

    def __init__(self, client: BalsamClient) -> None:
        super().__init__()
        self.client = client

    @on(Button.Pressed, ".form--cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)


class CreateJobScreen(_SavingForm):
    """App, workdir, parameters, tags, resources and parents of one new job."""

    DEFAULT_CSS = FORM_CSS.format(name="CreateJobScreen")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("New job")
            yield Select([], prompt="app", id="job-app")
            yield Input(placeholder="workdir (relative to the site)", id="job-workdir")
            yield Input(placeholder="parameters: system=H2O steps=100", id="job-params")
            yield Input(placeholder="tags: exp:A system:H2O", id="job-tags")
            yield Input(placeholder="nodes (1)", id="job-nodes")
            yield Input(placeholder="ranks per node (1)", id="job-ranks")
            yield Input(placeholder="parent job ids: 41 42", id="job-parents")
            yield Static("", classes="form--error", markup=False)
            with Horizontal():
                yield Button("Cancel", classes="form--cancel")
                yield Button("Create", variant="primary", id="job-create")

    def on_mount(self) -> None:
        self._load_apps()

    @work(exclusive=True, group="job-apps", description="Loading apps", exit_on_error=False)
    async def _load_apps(self) -> None:
        sites = {s.id: s.name for s in await self.client.sites.all().all()}
        apps: list[App] = await self.client.apps.all().all()
        options = [(f"{sites.get(a.site_id, a.site_id)}/{a.name}", a.id) for a in apps]
        self.query_one("#job-app", Select).set_options(options)
        self.query_one("#job-app", Select).focus()

    def body(self) -> dict[str, Any]:
        """What was typed, as ``jobs.create`` takes it.

        Raises:
            BadQuery: no app chosen, or a malformed word.
        """
        app = self.query_one("#job-app", Select).value
        if app is Select.BLANK:
            raise BadQuery("choose an app")
        fields: dict[str, Any] = {
            "app_id": app,
            "workdir": self.value("#job-workdir"),
            "parameters": read_pairs(self.value("#job-params"), "="),
            "tags": read_pairs(self.value("#job-tags"), ":"),
        }
        for key, selector in (("num_nodes", "#job-nodes"), ("ranks_per_node", "#job-ranks")):
            if self.value(selector):
                fields[key] = self.value(selector)
        parents = read_ids(self.value("#job-parents"))
        if parents:
            fields["parent_ids"] = parents
        return fields

    @on(Button.Pressed, "#job-create")
    @on(Input.Submitted)
    def _create(self) -> None:
        try:
            body = self.body()
        except ConsoleError as error:
            self.show_error(error.message)
            return
        self.show_error("Creating…")
        self._save(body)

    @work(exclusive=True, group="job-create", description="Creating a job", exit_on_error=False)
    async def _save(self, body: dict[str, Any]) -> None:
        job: Job = await self.client.jobs.create(**body)
        self.dismiss(job)


class SubmitBatchScreen(_SavingForm):
    """Site, queue, project, nodes, wall time, job mode and filter tags of an allocation."""

    DEFAULT_CSS = FORM_CSS.format(name="SubmitBatchScreen")

    def __init__(self, client: BalsamClient) -> None:
        super().__init__(client)
        self.sites: dict[int, Site] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Submit a batch job")
            yield Select([], prompt="site", id="batch-site")
            yield Input(placeholder="queue", id="batch-queue")
            yield Input(placeholder="project", id="batch-project")
            yield Input(placeholder="nodes", id="batch-nodes")
            yield Input(placeholder="wall time (minutes)", id="batch-wall")
            yield Select(
                [(m, m) for m in JOB_MODES], value="mpi", allow_blank=False, id="batch-mode"
            )
            yield Input(placeholder="only jobs tagged: exp:A", id="batch-tags")
            yield Static("", classes="form--error", markup=False)
            with Horizontal():
                yield Button("Cancel", classes="form--cancel")
                yield Button("Submit", variant="primary", id="batch-submit")

    def on_mount(self) -> None:
        self._load_sites()

    @work(exclusive=True, group="batch-sites", description="Loading sites", exit_on_error=False)
    async def _load_sites(self) -> None:
        self.sites = {s.id: s for s in await self.client.sites.all().all()}
        self.query_one("#batch-site", Select).set_options(
            [(s.name, s.id) for s in self.sites.values()]
        )
        self.query_one("#batch-site", Select).focus()

    @on(Select.Changed, "#batch-site")
    def _site_chosen(self, event: Select.Changed) -> None:
        site = self.sites.get(event.value) if isinstance(event.value, int) else None
        if site is not None:
            queues = ", ".join(sorted(site.raw.get("allowed_queues") or {})) or "any queue"
            projects = ", ".join(site.raw.get("allowed_projects") or []) or "any project"
            self.query_one("#batch-queue", Input).placeholder = f"queue ({queues})"
            self.query_one("#batch-project", Input).placeholder = f"project ({projects})"

    def request(self) -> dict[str, Any]:
        """What was typed, as ``batch_jobs.submit`` takes it.

        Raises:
            BadQuery: no site, or a number or tag that does not read.
        """
        site = self.query_one("#batch-site", Select).value
        if site is Select.BLANK:
            raise BadQuery("choose a site")
        numbers = {}
        for key, selector in (("num_nodes", "#batch-nodes"), ("wall_time_min", "#batch-wall")):
            text = self.value(selector)
            if not text.isdigit():
                raise BadQuery(f"{key.replace('_', ' ')} needs a whole number")
            numbers[key] = int(text)
        return {
            "site": site,
            "queue": self.value("#batch-queue"),
            "project": self.value("#batch-project"),
            "job_mode": str(self.query_one("#batch-mode", Select).value),
            "filter_tags": read_pairs(self.value("#batch-tags"), ":"),
            **numbers,
        }

    @on(Button.Pressed, "#batch-submit")
    @on(Input.Submitted)
    def _submit(self) -> None:
        try:
            request = self.request()
        except ConsoleError as error:
            self.show_error(error.message)
            return
        self.show_error("Submitting…")
        self._save(request)

    @work(exclusive=True, group="batch-submit", description="Submitting", exit_on_error=False)
    async def _save(self, request: dict[str, Any]) -> None:
        made: BatchJob = await self.client.batch_jobs.submit(**request)
        self.dismiss(made)
