"""The board pack as a tagged PDF (PDF/UA-1), drawn by WeasyPrint from the pack's template."""

from __future__ import annotations

from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent / "pack_print.css"


def render(html: str, *, base_url: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))],
        pdf_variant="pdf/ua-1",
        uncompressed_pdf=False,
    )
