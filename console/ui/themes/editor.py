"""The SQL editor's highlighting, made from the app theme so it follows every theme.

A ``TextAreaTheme`` here names only syntax colours; the editor's background,
cursor, gutter and selection come from the TextArea's own CSS, which Textual
fills from the app theme's ``$variables``. Syntax colours are the theme's
legible text colours (``text-primary``…), or what a theme file sets under
``[variables]`` as ``sql-keyword``, ``sql-string`` and so on.
"""

from __future__ import annotations

from rich.style import Style
from textual.color import Color, ColorParseError
from textual.theme import Theme
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

ROLES: dict[str, tuple[str, ...]] = {
    "keyword": ("keyword", "keyword.operator", "conditional", "storageclass",
                "type.qualifier"),
    "string": ("string",),
    "number": ("number", "float"),
    "constant": ("boolean", "constant.builtin"),
    "comment": ("comment",),
    "function": ("function.call", "function"),
    "type": ("type", "type.builtin"),
    "operator": ("operator",),
}
"""Each colour role → the tree-sitter names of the SQL grammar it paints."""

DERIVED: dict[str, str] = {
    "keyword": "text-primary",
    "string": "text-success",
    "number": "text-warning",
    "constant": "text-accent",
    "function": "text-secondary",
    "type": "text-accent",
    "operator": "foreground",
}
"""Where a role's colour comes from when the theme does not set ``sql-<role>``."""
COMMENT_WEIGHT = 0.6
"""Comments are the foreground this far from the background: readable, but quieter."""


def _variables(theme: Theme) -> dict[str, str]:
    return {**theme.to_color_system().generate(), **theme.variables}


def role_colors(theme: Theme) -> dict[str, Color]:
    """Return the solid colour of each role in ``theme`` (on the editor's background)."""
    variables = _variables(theme)
    background = Color.parse(variables["surface"])
    foreground = Color.parse(variables["foreground"])
    colors: dict[str, Color] = {}
    for role in ROLES:
        own = variables.get(f"sql-{role}")
        if role == "comment" and own is None:
            colors[role] = background.blend(foreground, COMMENT_WEIGHT)
            continue
        try:
            colors[role] = background + Color.parse(own or variables[DERIVED[role]])
        except ColorParseError:  # a theme's odd value ("auto 60%"): plain text beats a crash
            colors[role] = foreground
    return colors


def editor_theme(theme: Theme) -> TextAreaTheme:
    """Return the editor theme for app ``theme`` (named ``fleet-sql-<theme name>``)."""
    styles: dict[str, Style] = {}
    for role, color in role_colors(theme).items():
        style = Style(color=color.rich_color, bold=role == "keyword",
                      italic=role == "comment")
        styles.update(dict.fromkeys(ROLES[role], style))
    return TextAreaTheme(name=f"fleet-sql-{theme.name}", syntax_styles=styles)


def follow_app_theme(editor: TextArea) -> None:
    """Highlight ``editor`` in the app's theme, now and whenever the theme changes."""

    def apply(_: str | None = None) -> None:
        highlighting = editor_theme(editor.app.current_theme)
        editor.register_theme(highlighting)
        editor.theme = highlighting.name

    editor.watch(editor.app, "theme", apply)
