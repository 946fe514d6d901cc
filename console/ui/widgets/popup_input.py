"""An input shown on demand at the bottom of the screen (the ``:`` line, the ``/`` bar)."""

from __future__ import annotations

from textual.widgets import Input


class PopupInput(Input):
    """Hidden until opened; hidden, it neither takes nor keeps the focus."""

    @property
    def focusable(self) -> bool:
        # hidden until opened: never take the focus from the pane behind it
        return self.display and super().focusable

    def show_focused(self) -> None:
        """Show the input with the keys going to it at once: ``focus()`` would wait a turn,
        and a key typed right after ``:`` (`:q` pasted) would reach the pane behind."""
        self.display = True
        self.screen.set_focus(self)
        # and again after any focus asked for earlier and still on its way (a tab just
        # opened focuses its table a turn later): the last word must be this input's
        self.focus()

    def hide(self) -> None:
        """Put the input away. A hidden widget would keep the focus until the pane takes it
        back: a key typed meanwhile (`q` right after Escape) would land here, unseen."""
        if self.screen.focused is self:  # ``has_focus`` would only say so a turn later
            self.screen.set_focus(None)
        self.display = False
