"""The board pack as a tagged PDF (PDF/UA-1), drawn by WeasyPrint from the pack's template.

The page furniture (the plan, the "as at" and "compared with" dates on every page, page
numbers) is in the page margins, set from ``board/pack_print.css`` and a few lines made here.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from dashboard import charts
from kit.formatting import long_date

from . import pdf_tags

STYLESHEET = Path(__file__).resolve().parent / "pack_print.css"

logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: nothing in it can end the string or the rule."""
    out = []
    for char in text:
        if char in '"\\' or ord(char) < 32 or ord(char) == 127:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def render(html: str, *, base_url: str, top: str, bottom: str) -> tuple[bytes, int]:
    """The PDF of ``html`` and its number of pages."""
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from weasyprint import CSS, HTML

    margins = CSS(
        string=(
            f"@page {{ @top-left {{ content: {css_string(top)}; }} "
            f"@bottom-left {{ content: {css_string(bottom)}; }} }}"
        )
    )
    options = {"pdf_variant": "pdf/ua-1"}
    document = HTML(string=html, base_url=base_url).render(
        stylesheets=[CSS(filename=str(STYLESHEET)), margins], **options
    )
    return document.write_pdf(finisher=pdf_tags.finish, **options), len(document.pages)


def pack_pdf(pack, *, base_url: str, request=None) -> tuple[bytes, int]:
    """The board pack as a PDF, and its number of pages."""
    context = {
        "pack": pack,
        "today": timezone.localdate(),
        "pdf": True,
        "chart": charts.rag_trend(pack.trend, prefix="pack-trend"),
    }
    html = render_to_string("board/pack_pdf.html", context, request=request)
    return render(
        html,
        base_url=base_url,
        top=f"As at {long_date(pack.as_of)}. {pack.comparison.sentence}.",
        bottom=f"Board pack: {pack.plan.name}",
    )
