"""The movement keys every table of the console shares (vi, less and k9s habits)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from console.ui.widgets.table_keys import NavTable


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        table = NavTable(cursor_type="row")
        table.add_column("n")
        for n in range(100):
            table.add_row(str(n))
        yield table


async def test_j_k_g_and_G_move_the_cursor_by_row_and_to_the_ends() -> None:
    async with TableApp().run_test(size=(40, 24)) as pilot:
        table = pilot.app.query_one(NavTable)
        await pilot.press("j", "j", "k")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == 99
        await pilot.press("g")
        assert table.cursor_row == 0


async def test_ctrl_d_and_ctrl_u_move_half_a_screen() -> None:
    async with TableApp().run_test(size=(40, 24)) as pilot:
        table = pilot.app.query_one(NavTable)
        await pilot.press("ctrl+d")
        half = table.cursor_row
        assert 5 <= half <= 15  # about half of a 24-line screen
        await pilot.press("ctrl+d", "ctrl+u")
        assert table.cursor_row == half
        await pilot.press("ctrl+u", "ctrl+u")
        assert table.cursor_row == 0
