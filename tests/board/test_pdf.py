"""The board pack PDF, read back with poppler's pdfinfo and pdftotext."""

import re
import shutil
import subprocess
import zlib

from board.pdf import css_string

from .conftest import TODAY

# poppler-utils, installed by `make pdf` (Debian package).
PDFINFO = shutil.which("pdfinfo") or "/usr/bin/pdfinfo"
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def _pdf(client, leader, clock, tmp_path, **query):
    client.force_login(leader)
    with clock(TODAY):
        response = client.get("/dashboard/report.pdf", query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.content)
    return path


def _info(path) -> dict:
    out = subprocess.run(  # noqa: S603 (our own file, a fixed program)
        [PDFINFO, str(path)], capture_output=True, text=True, check=True
    )
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in out.stdout.splitlines())
    }


def _pages(path) -> list[str]:
    out = subprocess.run(  # noqa: S603 (our own file, a fixed program)
        [PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return [page for page in out.stdout.split("\f") if page.strip()]


def test_the_pdf_is_tagged_titled_a4_with_the_dates_on_every_page(
    client, board, leader, clock, tmp_path
):
    path = _pdf(client, leader, clock, tmp_path)
    info = _info(path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Board pack: Kestrelford plan, as at 10 April 2026"
    assert "(A4)" in info["Page size"]
    pages = _pages(path)
    assert int(info["Pages"]) == len(pages) >= 1
    for n, page in enumerate(pages, start=1):
        assert "As at 10 April 2026. Compared with the board on 5 March 2026." in page
        assert f"Page {n} of {len(pages)}" in page
    text = "\n".join(pages)
    assert "1.1 Reduce agency staff" in text
    assert "1.2 Edge of care service" in text
    assert "Owner says green; milestones say red" in text


def test_the_pdf_language_is_british_english(client, board, leader, clock, tmp_path):
    path = _pdf(client, leader, clock, tmp_path)
    data = path.read_bytes()
    streams = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    assert any(re.search(rb"/Lang\s*\(en-GB\)", s) for s in streams)


def test_a_long_pack_has_numbered_pages(client, board, leader, clock, tmp_path, admin_user):
    from milestones import services as milestone_services
    from tests import factories

    with clock(board.plan.starts_on.replace(month=2)):
        for i in range(25):
            objective = factories.make_objective(
                board.plan, user=admin_user, ref=f"9.{i + 1}", title=f"Extra objective {i + 1}"
            )
            milestone = factories.make_milestone(objective, user=admin_user)
            milestone_services.milestone_reschedule(
                milestone=milestone,
                user=admin_user,
                due_date=milestone.due_date.replace(year=milestone.due_date.year + 1),
                reason="Moved for the test",
            )
    path = _pdf(client, leader, clock, tmp_path)
    pages = _pages(path)
    assert len(pages) >= 3
    assert all(f"of {len(pages)}" in page for page in pages)


def test_text_in_the_page_margins_cannot_break_out_of_its_css_string():
    assert css_string('a"b\\c\nd') == '"a\\22 b\\5c c\\a d"'


def test_people_s_text_of_any_kind_makes_a_pdf(client, board, leader, clock, tmp_path, admin_user):
    from objectives import services

    with clock(TODAY):
        services.plan_update(
            plan=board.plan, user=admin_user, name='Plan <b>&amp; "quotes"\x0b\x01 \u202e émoji 🙂'
        )
        services.objective_update(
            objective=board.red, user=admin_user, title="Title \x1f </main> \ud7ff end"
        )
    path = _pdf(client, leader, clock, tmp_path)
    assert _info(path)["Tagged"] == "yes"


def test_the_pdf_is_drawn_with_weasyprint_s_stylesheet_narrowed_to_what_it_styles_here():
    import weasyprint
    from weasyprint.html import UA

    from board import pdf

    lean = pdf.lean_user_agent_css(UA)
    # Only list items keep a marker; no rule styles a pseudo-element of every element.
    assert "\nli::marker {" in lean
    assert not re.search(r"^::", lean, re.MULTILINE)
    assert "::footnote-call" not in lean and "::note-marker" not in lean
    assert UA.count("\n") - lean.count("\n") == 5  # the five note rules, nothing else
    # WeasyPrint still asks the document for its user-agent stylesheets, and gets the narrow one.
    assert callable(getattr(weasyprint.HTML, "_ua_stylesheets", None))
    weasy = pdf._weasyprint()
    assert weasy.HTML(string="<p>x</p>")._ua_stylesheets() == [weasy.user_agent]
