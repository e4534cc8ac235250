"""One colour per RAG status, for everything drawn outside the GOV.UK tags: the dashboard's
charts and the exported workbook. Fill, pattern ink and label colour (text contrast at least
4.5:1 on the fill)."""

RAG_COLOURS = {
    "red": {"fill": "#d4351c", "ink": "#ffffff", "label": "#ffffff", "name": "Red"},
    "amber": {"fill": "#ffdd00", "ink": "#0b0c0c", "label": "#0b0c0c", "name": "Amber"},
    "green": {"fill": "#00703c", "ink": "#ffffff", "label": "#ffffff", "name": "Green"},
    "complete": {"fill": "#d2e2f1", "ink": "#1d70b8", "label": "#0b0c0c", "name": "Complete"},
}


def spreadsheet_fill(rag: str) -> tuple[str, str]:
    """The fill and text colour of a RAG cell in a workbook (hex without '#')."""
    colour = RAG_COLOURS[rag]
    return colour["fill"].lstrip("#").upper(), colour["label"].lstrip("#").upper()
