"""The board pack as a tagged PDF (PDF/UA-1), drawn by WeasyPrint from the pack's template.

The page furniture (the plan, the "as at" and "compared with" dates on every page, page
numbers) is in the page margins, set from ``board/pack_print.css`` and a few lines made here.

What keeps it fast (docs/architecture.md, "A fast PDF"):

- WeasyPrint is loaded once per process, by the web server as it starts (``load``), not by
  the first request that asks for a PDF.
- The stylesheets every PDF uses are parsed once per process: ``pack_print.css`` and
  WeasyPrint's own user-agent stylesheet, narrowed (``lean_user_agent_css``). They are
  constants, the same for every request; nothing about a plan or a person is kept.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import timezone

from dashboard import charts
from kit.formatting import long_date

from . import pdf_tags

STYLESHEET = Path(__file__).resolve().parent / "pack_print.css"

logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

# WeasyPrint's user-agent stylesheet styles six pseudo-elements of *every* element (``::marker``
# and the footnote and note calls and markers), so each element of the pack carries six more
# computed styles than it needs: some 15 per cent of the PDF's time. Our documents have no
# footnotes or notes, and only list items show a marker, so those rules are narrowed to what
# they style here. (Using footnotes or notes in a PDF would mean putting their rules back.)
UA_MARKER = ("::marker {", "li::marker {")
UA_NOTES = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}\n]*\}\n", re.MULTILINE)


def lean_user_agent_css(css: str) -> str:
    """WeasyPrint's user-agent stylesheet ``css`` without its rules for every element's
    markers, footnotes and notes (list items keep their marker)."""
    return UA_NOTES.sub("", css).replace(*UA_MARKER)


@functools.cache
def _weasyprint() -> SimpleNamespace:
    """WeasyPrint and the parsed stylesheets every PDF uses: loaded and parsed once, then the
    same for every request (no data of any request is kept)."""
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    import weasyprint
    from weasyprint import CSS, HTML
    from weasyprint.css.counters import CounterStyle

    source = Path(weasyprint.__file__).parent / "css" / "html5_ua.css"
    user_agent = CSS(
        string=lean_user_agent_css(source.read_text(encoding="utf-8")),
        # Its @counter-style rules are already WeasyPrint's, which every document starts from.
        counter_style=CounterStyle(),
    )

    class PackHTML(HTML):
        """An HTML document drawn with the narrowed user-agent stylesheet."""

        def _ua_stylesheets(self, forms=False):  # WeasyPrint's hook for its UA stylesheet
            return [user_agent, *super()._ua_stylesheets(forms)[1:]]

    return SimpleNamespace(
        CSS=CSS, HTML=PackHTML, user_agent=user_agent, stylesheet=CSS(filename=str(STYLESHEET))
    )


def load() -> None:
    """Load WeasyPrint and parse the stylesheets now (the web server calls this as it starts,
    so no request waits for it)."""
    _weasyprint()


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
    weasy = _weasyprint()
    margins = weasy.CSS(
        string=(
            f"@page {{ @top-left {{ content: {css_string(top)}; }} "
            f"@bottom-left {{ content: {css_string(bottom)}; }} }}"
        )
    )
    options = {"pdf_variant": "pdf/ua-1"}
    document = weasy.HTML(string=html, base_url=base_url).render(
        stylesheets=[weasy.stylesheet, margins], **options
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
