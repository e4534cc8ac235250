"""Charts are drawn by templates: Python works out what a chart shows (coordinates, ticks,
labels, statuses) and never writes SVG or marks markup safe in a chart module."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LEFT_OUT = {"tests", "node_modules", ".venv", "assets", "staticfiles"}
MARKUP = {"mark_safe", "format_html", "format_html_join", "SafeString"}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if LEFT_OUT & set(relative.parts) or relative.parts[0].startswith("."):
            continue
        yield relative, ast.parse(path.read_text(), filename=str(relative))


def _names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            yield node.id, node.lineno
        elif isinstance(node, ast.Attribute):
            yield node.attr, node.lineno
        elif isinstance(node, ast.ImportFrom | ast.Import):
            for alias in node.names:
                yield alias.name.rsplit(".", 1)[-1], node.lineno


def test_no_chart_module_makes_markup():
    found = [
        f"{path}:{line} {name}"
        for path, tree in _modules()
        if path.name == "charts.py"
        for name, line in _names(tree)
        if name in MARKUP
    ]
    assert [path for path, _ in _modules() if path.name == "charts.py"]  # there are some to check
    assert found == []


def test_no_svg_is_written_in_python():
    """An SVG is drawn by a template; a text ``<svg`` in Python code is one being written by hand
    (bytes, such as the signature an upload is checked for, are not markup)."""
    found = [
        f"{path}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and "<svg" in node.value.lower()
    ]
    assert found == []
