"""The key footer, showing only the keys that fit whole.

Textual's footer lays every key out in one row and lets the row run off the
right edge, so at 80 columns the last key is cut mid-word (``/ F`` for ``/ Filter``).
This one leaves out the keys from the first one that does not fit whole; ``?``
lists them all.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Compact, without the palette entry (the header names ``^p``), never cut mid-key."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        # Textual's footer waits for the screen's next bindings update to show its keys;
        # on a dialog pushed and focused before the footer subscribed, none came.
        self.call_after_refresh(self.bindings_changed, self.screen)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit)

    async def recompose(self) -> None:
        # the keys change with the focus: fit the new ones as soon as they are there
        await super().recompose()
        self.fit()

    def fit(self) -> None:
        """Show the keys that fit whole, in order; hide the rest."""
        room = self.scrollable_content_region.width
        used = 0
        fits = True
        for child in self.children:
            width = child.get_content_width(self.size, self.app.size)
            width += child.styles.margin.width + child.styles.padding.width
            fits = fits and used + width - child.styles.margin.right <= room
            used += width
            if child.display != fits:
                child.display = fits
