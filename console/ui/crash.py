"""What the terminal shows if the app ever crashes: the error, never the values in play.

Textual prints an unhandled exception as a Rich traceback with every frame's
local variables, which on a crash while reading a profile would be its
passwords and tokens. ``NoLocalsOnCrash`` keeps the traceback (file, line,
code) and leaves the locals out.
"""

from __future__ import annotations

from textual.app import App


class NoLocalsOnCrash(App[None]):
    """An ``App`` whose crash report shows no local variables."""

    def _fatal_error(self) -> None:
        # imported here, as Textual's own does: rich.traceback brings pygments and attrs,
        # a tenth of the time to the first frame
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, max_frames=20, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()
