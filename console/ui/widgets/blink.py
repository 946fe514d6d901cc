"""A text cursor that blinks while the operator types and then holds still.

Each blink repaints the cursor's line: two writes a second, about 1 KB/s over
SSH, for as long as an editor keeps the focus, even with nobody at the keyboard.
After ``BLINK_SECONDS`` without a key the cursor stays lit (still drawn, no
longer blinking); the next key or focus wakes it.
"""

from __future__ import annotations

import time

from textual.widgets import TextArea

BLINK_SECONDS = 10.0
"""How long the cursor blinks after the last key."""
CHECK_SECONDS = 2.0
"""How often the editor looks whether it is time to rest (a check draws nothing)."""


class BlinkRest:
    """Rests ``editor``'s cursor blink after ``seconds`` without a key.

    Only a blink this class stopped is restarted: an editor whose blink was turned
    off on purpose (tests, snapshots) stays as it was set.
    """

    def __init__(self, editor: TextArea, seconds: float = BLINK_SECONDS) -> None:
        self.editor = editor
        self.seconds = seconds
        self.resting = False
        """Whether the blink is stopped by this class (and not by anyone else)."""
        self._last_key = time.monotonic()

    def start(self) -> None:
        """Begin watching (call once the editor is mounted)."""
        self.editor.set_interval(CHECK_SECONDS, self.rest_if_idle, name="blink-rest")

    def wake(self) -> None:
        """A key or the focus: blink again, from now."""
        self._last_key = time.monotonic()
        if self.resting:
            self.resting = False
            self.editor.cursor_blink = True

    def rest_if_idle(self) -> None:
        """Stop blinking if no key came for ``seconds``."""
        editor = self.editor
        if editor.cursor_blink and time.monotonic() - self._last_key >= self.seconds:
            self.resting = True
            editor.cursor_blink = False
