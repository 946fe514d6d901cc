"""Small dialogs of the Jobs pane: pick a state, type a tag, read a job's detail."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static

from console.backends.balsam import (
    JOB_STATES,
    BalsamClient,
    BatchJob,
    EventLog,
    Job,
    TransferItem,
)
from console.errors import NotFound
from console.ui.jobs.table import tags_text, when
from console.ui.widgets.footer import Footer


class StatePicker(ModalScreen[str | None]):
    """Choose the state to set; Escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Set no state", id="jobs-state-cancel")
    ]
    DEFAULT_CSS = """
    StatePicker { align: center middle; }
    StatePicker > Vertical { width: 40; height: auto; border: thick $accent; background: $surface; }
    StatePicker OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Set the state of {self.scope} to:", markup=False)
            yield OptionList(*JOB_STATES, id="jobs-state-options")

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(JOB_STATES[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


class TagPrompt(ModalScreen[str | None]):
    """Type ``KEY:VALUE``; Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Add no tag", id="jobs-tag-cancel")]
    DEFAULT_CSS = """
    TagPrompt { align: center middle; }
    TagPrompt > Vertical { width: 50; height: auto; border: thick $accent; background: $surface; }
    """

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Tag {self.scope} with KEY:VALUE", markup=False)
            yield Input(placeholder="exp:A", id="jobs-tag-input")

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class JobDetail:
    """Everything the detail dialog shows about one job."""

    job: Job
    app_name: str
    events: list[EventLog] = field(default_factory=list)
    parents: list[Job] = field(default_factory=list)
    transfers: list[TransferItem] = field(default_factory=list)
    batch_job: BatchJob | None = None


def render_detail(d: JobDetail) -> Text:
    """The detail as text: fields, batch job, parents, transfers, then the event timeline."""
    j = d.job
    text = Text()
    text.append(f"Job {j.id}  {j.state}\n", style="bold")
    for label, value in (
        ("app", d.app_name),
        ("workdir", j.workdir),
        ("tags", tags_text(j.tags)),
        ("nodes", str(j.num_nodes)),
        ("return code", "" if j.return_code is None else str(j.return_code)),
        ("last update", when(j.last_update)),
    ):
        text.append(f"  {label:<12} {value}\n")
    text.append("\nBatch job\n", style="bold")
    text.append(f"  {batch_text(d.batch_job, j.batch_job_id)}\n")
    text.append("\nParents\n", style="bold")
    text.append("".join(f"  {p.id} {p.state} {p.workdir}\n" for p in d.parents) or "  none\n")
    text.append("\nTransfer items\n", style="bold")
    text.append("".join(f"  {transfer_text(t)}\n" for t in d.transfers) or "  none\n")
    text.append("\nEvents (oldest first)\n", style="bold")
    for e in d.events:
        note = e.data.get("message") or e.data.get("error") or ""
        text.append(f"  {when(e.timestamp)}  {e.from_state:>16} → {e.to_state:<16} {note}\n")
    return text


def batch_text(b: BatchJob | None, batch_job_id: int | None) -> str:
    """One line about the job's allocation (the id alone when the server no longer has it)."""
    if b is None:
        return f"{batch_job_id} (no longer on the server)" if batch_job_id else "none"
    scheduler = f"scheduler id {b.scheduler_id}" if b.scheduler_id else "not submitted yet"
    return f"{b.id} {b.state} queue={b.queue} nodes={b.num_nodes} {scheduler}"


def transfer_text(t: TransferItem) -> str:
    """One line per item, the arrow pointing the way the data goes."""
    remote = f"{t.location_alias}:{t.remote_path}" if t.location_alias else t.remote_path
    arrow = "←" if t.direction == "in" else "→"
    return f"{t.direction:<3} {t.state:<12} {t.local_path} {arrow} {remote}"


class JobDetailScreen(ModalScreen[None]):
    """A job's detail; Escape closes it."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", tooltip="Back to the jobs", id="jobs-detail-close")
    ]
    DEFAULT_CSS = """
    JobDetailScreen { align: center middle; }
    JobDetailScreen > VerticalScroll { width: 96%; height: 1fr; max-height: 40;
                                       margin: 1 0 0 0; border: thick $accent;
                                       background: $surface; padding: 0 1; }
    """

    def __init__(self, detail: JobDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="jobs-detail"):
            yield Static(render_detail(self.detail), id="jobs-detail-text")
        yield Footer()  # its own keys, not the Jobs pane's under it

    def action_close(self) -> None:
        self.dismiss(None)


async def job_detail(client: BalsamClient, job_id: int, app_names: dict[int, str]) -> JobDetail:
    """Gather what the detail dialog shows, in parallel."""
    job = await client.jobs.retrieve(job_id)
    events = client.events.filter(job_id=[job_id]).order_by("timestamp").all()
    parents = client.jobs.filter(id=job.parent_ids).all()
    transfers = client.transfers.filter(job_id=[job_id]).all()
    batch = _batch_job(client, job.batch_job_id)
    found = await asyncio.gather(events, parents, transfers, batch)
    name = app_names.get(job.app_id, str(job.app_id))
    return JobDetail(job, name, found[0], found[1], found[2], found[3])


async def _batch_job(client: BalsamClient, batch_job_id: int | None) -> BatchJob | None:
    # An allocation may be deleted while its jobs remain: the detail still opens.
    if not batch_job_id:
        return None
    try:
        batch: BatchJob = await client.batch_jobs.retrieve(batch_job_id)
    except NotFound:
        return None
    return batch
