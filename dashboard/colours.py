"""One colour per RAG status, for everything drawn outside the GOV.UK tags: the dashboard's
charts and the exported workbook. Fill, pattern ink and label colour (text contrast at least
4.5:1 on the fill)."""

RAG_COLOURS = {
    # GOV.UK Frontend's palette, the same hues as the status tags (red, orange for amber, green,
    # grey for complete). Each fill carries a pattern in its tag's tint, so no status is told
    # apart by colour alone: red solid, amber stripes, green dots, complete cross-hatch.
    "red": {"fill": "#ca3535", "ink": "#ca3535", "label": "#ffffff", "name": "Red"},
    "amber": {"fill": "#f47738", "ink": "#fde4d7", "label": "#0b0c0c", "name": "Amber"},
    "green": {"fill": "#0f7a52", "ink": "#cfe4dc", "label": "#ffffff", "name": "Green"},
    "complete": {"fill": "#cecece", "ink": "#505a5f", "label": "#0b0c0c", "name": "Complete"},
}


def spreadsheet_fill(rag: str) -> tuple[str, str]:
    """The fill and text colour of a RAG cell in a workbook (hex without '#')."""
    colour = RAG_COLOURS[rag]
    return colour["fill"].lstrip("#").upper(), colour["label"].lstrip("#").upper()
