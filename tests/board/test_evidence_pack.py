"""The inspector's evidence pack: a ZIP of a tagged PDF and the evidence files, as at D."""

import io
import re
import shutil
import subprocess
import zipfile
import zlib
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from board import evidence_pack
from board import services as board_services
from impact import evidence_services, services, value_services
from impact.models import evidence_storage
from milestones import services as milestone_services
from objectives.history import save_with_history
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LONG = "x" * 251 + ".pdf"  # as long as a stored name may be
ODD_NAMES = ["../../etc/passwd", "résumé ✓.pdf", LONG, "line\nbreak.pdf"]
TODAY = date(2025, 9, 1)
PDFINFO = shutil.which("pdfinfo") or "/usr/bin/pdfinfo"
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


def _file(objective, user, title, name, *, data=PDF, **kw):
    """A file added as people do, then given ``name`` as an import from an older system
    might have left it (names the upload form itself refuses)."""
    evidence = evidence_services.evidence_add_file(
        user=user, objective=objective, title=title, name="upload.pdf", data=data, **kw
    )
    evidence.original_name = name
    return save_with_history(evidence, user=user, reason="Name as imported")


@pytest.fixture
def world(clock, admin_user, manager, leader):
    with clock(date(2025, 1, 2)):
        plan = factories.make_plan(user=admin_user, name="Children's services plan")
        red = factories.make_objective(
            plan,
            user=admin_user,
            owner=manager,
            ref="1.1",
            title="Stable social workers",
            target_date=date(2025, 6, 30),
        )
        green = factories.make_objective(
            plan, user=admin_user, owner=manager, ref="1.2", title="Timely assessments"
        )
        alone = factories.make_objective(
            plan, user=admin_user, owner=manager, ref="2.1", title="Better supervision"
        )
        kept = factories.make_milestone(
            green, user=admin_user, title="Recruit team leaders", due_date=date(2025, 8, 1)
        )
        dropped = factories.make_milestone(
            green, user=admin_user, title="Open a second hub", due_date=date(2026, 3, 1)
        )
        f1 = factories.make_finding(
            plan, user=admin_user, ref="F1", source="SIF 2016", text="Too many changes of worker."
        )
        factories.make_finding(
            plan, user=admin_user, ref="F2", source="JTAI 2017", text="Plans drift."
        )
        factories.make_finding(
            plan, user=admin_user, ref="F3", source="Peer review", text="Nobody owns this."
        )
        measure = factories.make_measure(green, user=admin_user, name="Assessments on time")
    with clock(date(2025, 3, 1)):
        services.finding_set_objectives(user=admin_user, finding=f1, objectives=[red, green])
        f2 = plan.findings.get(ref="F2")
        services.finding_set_objectives(user=admin_user, finding=f2, objectives=[green])
        factories.make_update(
            green, user=manager, reported_on=date(2025, 3, 1), summary="Hiring has started."
        )
        value_services.measure_value_create(
            user=manager, measure=measure, period_end=date(2025, 2, 28), value=Decimal("55.5")
        )
        milestone_services.milestone_reschedule(
            milestone=kept, user=manager, due_date=date(2025, 9, 1), reason="Agency delays"
        )
        odd = [
            _file(green, manager, f"Odd {i}", name, data=PDF + str(i).encode())
            for i, name in enumerate(ODD_NAMES)
        ]
        evidence_services.evidence_add_link(
            user=manager, objective=green, title="Ofsted letter", url="https://example.org/letter"
        )
        supervision = _file(alone, manager, "Supervision audit", "audit.pdf")
    with clock(date(2025, 4, 1)):
        milestone_services.milestone_withdraw(
            milestone=dropped,
            user=admin_user,
            reason="The second hub was merged into the first",
            expected_version=None,
        )
        challenge = board_services.challenge_raise(
            user=leader, objective=green, question="Why is recruitment slow?"
        )
        board_services.challenge_answer(
            user=manager, challenge=challenge, answer="The agency market is tight."
        )
    with clock(date(2025, 6, 1)):
        factories.make_update(
            green, user=manager, reported_on=date(2025, 6, 1), summary="Summer update later on."
        )
        late = _file(green, manager, "Late file", "late.pdf")
    return {
        "plan": plan,
        "red": red,
        "green": green,
        "alone": alone,
        "odd": odd,
        "late": late,
        "supervision": supervision,
    }


def _zip(client, plan, as_of=None, **extra):
    """Ask for the pack as the findings page does and follow it to the download: the first
    request starts the build (at once in the tests) and sends the person to the wait page."""
    query = {"plan": plan.pk, **({"as_of": as_of.isoformat()} if as_of else {})}
    response = client.get(reverse("board:evidence_pack"), query, **extra)
    if response.status_code != 302 or "/accounts/login/" in response.url:
        return response
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Your evidence pack is ready" in page.content.decode(), page.content.decode()
    download = re.search(r'href="(/findings/packs/\d+/pack\.zip)"', page.content.decode())
    return client.get(download.group(1))


def _open(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _pdf(archive, tmp_path, name):
    path = tmp_path / "pack.pdf"
    path.write_bytes(archive.read(name))
    info = subprocess.run(  # noqa: S603 (our own file, a fixed program)
        [PDFINFO, str(path)], capture_output=True, text=True, check=True
    )
    text = subprocess.run(  # noqa: S603 (our own file, a fixed program)
        [PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return info.stdout, re.sub(r"\s+", " ", text.stdout)


def _language_of(data: bytes) -> list[bytes]:
    """The /Lang entries of a PDF, in its plain and compressed objects (as the board pack's test
    reads them)."""
    streams = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return sorted({m for s in streams for m in re.findall(rb"/Lang\s*\((.*?)\)", s)})


@pytest.mark.parametrize(
    ("who", "status"), [("admin_user", 200), ("leader", 200), ("manager", 403), (None, 302)]
)
def test_who_may_download_the_pack(client, clock, world, request, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    with clock(TODAY):
        response = _zip(client, world["plan"])
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith("/accounts/login/")
    if status == 200:
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"] == (
            f'attachment; filename="evidence-pack-{world["plan"].pk}-2025-09-01.zip"'
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"


def test_a_draft_plan_is_unknown_to_leadership_as_on_the_findings_page(
    client, clock, admin_user, leader
):
    with clock(TODAY):
        draft = factories.make_plan(user=admin_user, published=False, name="Secret draft")
        factories.make_finding(draft, user=admin_user, ref="D1", text="Draft finding text.")
        client.force_login(leader)
        page = client.get(reverse("impact:findings"), {"plan": draft.pk})
        pack = _zip(client, draft)
        client.force_login(admin_user)
        admins = _zip(client, draft)
    assert pack.status_code == page.status_code == 400
    assert "Draft finding text" not in pack.content.decode()
    assert admins.status_code == 200


def test_bad_dates_answer_400(client, clock, world, leader):
    client.force_login(leader)
    with clock(TODAY):
        assert (
            client.get(
                reverse("board:evidence_pack"), {"plan": world["plan"].pk, "as_of": "2025-02-30"}
            ).status_code
            == 400
        )
        assert _zip(client, world["plan"], date(2025, 9, 2)).status_code == 400
        assert client.get(reverse("board:evidence_pack"), {"plan": "x"}).status_code in (
            400,
            404,
        )


def test_the_zip_holds_the_pdf_and_every_file_under_safe_names(client, clock, world, leader):
    client.force_login(leader)
    with clock(TODAY):
        archive = _open(_zip(client, world["plan"]))
    names = archive.namelist()
    plan = world["plan"]
    assert f"evidence-pack-{plan.pk}-2025-09-01.pdf" in names
    files = sorted(n for n in names if n.startswith("evidence/"))
    # 1.2 answers F1 and F2: its files are set out under the first, F1
    assert files == sorted(
        [
            "evidence/F1/1.2/1-passwd.pdf",
            "evidence/F1/1.2/2-resume.pdf",
            f"evidence/F1/1.2/3-{'x' * 94}.pdf",
            "evidence/F1/1.2/4-line-break.pdf",
            "evidence/F1/1.2/6-late.pdf",  # 5 is the link
            "evidence/not-linked-to-a-finding/2.1/1-audit.pdf",
        ]
    )
    for name in names:
        base = name.rsplit("/", 1)[-1]
        assert len(base) <= 100 and ".." not in name and not name.startswith("/")
        assert re.fullmatch(r"[A-Za-z0-9._/-]+", name), name
    assert archive.read("evidence/F1/1.2/2-resume.pdf") == PDF + b"1"
    assert archive.read("evidence/not-linked-to-a-finding/2.1/1-audit.pdf") == PDF
    assert archive.testzip() is None


def test_the_pdf_is_tagged_a4_titled_and_walks_the_findings(client, clock, world, leader, tmp_path):
    client.force_login(leader)
    with clock(TODAY):
        archive = _open(_zip(client, world["plan"]))
    info, text = _pdf(archive, tmp_path, f"evidence-pack-{world['plan'].pk}-2025-09-01.pdf")
    assert _language_of(archive.read(f"evidence-pack-{world['plan'].pk}-2025-09-01.pdf")) == [
        b"en-GB"
    ]
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert "Title: Inspector's evidence pack: Children's services plan, as at 1 September 2025" in (
        re.sub(r"[ \t]+", " ", info)
    )
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert text.count("As at 1 September 2025") >= pages
    assert re.search(rf"Page {pages} of {pages}", text)
    # unanswered findings come first, then each finding with the objectives answering it
    # (the contents name the sections first)
    not_linked = text.rindex("Objectives not linked to a finding")
    assert text.rindex("Findings nothing answers") < text.index("Finding F3: Peer review")
    assert text.index("Finding F3: Peer review") < text.index("Finding F1: SIF 2016")
    assert text.index("Finding F1: SIF 2016") < text.index("Finding F2: JTAI 2017") < not_linked
    assert not_linked < text.index("2.1 Better supervision")
    for words in (
        "1.1 Stable social workers",
        "1.2 Timely assessments",
        "Red",
        "Green",
        "Recruit team leaders",
        "Why: The second hub was merged into the first",
        "Hiring has started.",
        "Assessments on time",
        "55.5",
        "Why is recruitment slow?",
        "The agency market is tight.",
        "Ofsted letter",
        "https://example.org/letter",
        "evidence/F1/1.2/2-resume.pdf",
        "Set out in full under finding F1",
        "Contents",
    ):
        assert words in text, words
    # an update says when it was recorded and by whom, rather than repeating as a change
    assert re.search(
        r"Hiring has started\. \(Recorded 1 March 2025 at midday by Mo_Manager Tester\.", text
    ), text
    assert "Progress update added (1 March 2025)" not in text
    # a recorded change with who, when and why
    assert re.search(
        r"1 March 2025 at midday, Mo_Manager Tester: Milestone re-forecast later "
        r"\(Recruit team leaders\)\. Forecast date from 1 August 2025 to 1 September 2025 "
        r"\(31 days later\)\. Why: Agency delays",
        text,
    ), text


def test_a_past_day_shows_only_what_was_recorded_by_then(client, clock, world, leader, tmp_path):
    client.force_login(leader)
    with clock(TODAY):
        archive = _open(_zip(client, world["plan"], date(2025, 3, 31)))
    plan = world["plan"]
    info, text = _pdf(archive, tmp_path, f"evidence-pack-{plan.pk}-2025-03-31.pdf")
    assert "As at 31 March 2025" in text
    assert "Hiring has started." in text
    assert "Summer update later on." not in text  # made on 1 June
    assert "Late file" not in text
    assert "evidence/F1/1.2/6-late.pdf" not in archive.namelist()
    assert "The second hub was merged" not in text  # withdrawn on 1 April
    assert "Why is recruitment slow?" not in text  # raised on 1 April
    assert "Open a second hub" in text  # still a milestone then


def test_a_day_before_the_plan_started_is_a_nearly_empty_pack(
    client, clock, world, leader, tmp_path
):
    client.force_login(leader)
    with clock(TODAY):
        response = _zip(client, world["plan"], date(2024, 12, 1))
    assert response.status_code == 200
    archive = _open(response)
    assert archive.namelist() == [f"evidence-pack-{world['plan'].pk}-2024-12-01.pdf"]
    info, text = _pdf(archive, tmp_path, archive.namelist()[0])
    assert "The plan started on 1 January 2025, after 1 December 2024" in text
    assert "0 findings" in text and "No evidence had been recorded by 1 December 2024" in text


def test_a_file_missing_from_storage_is_listed_as_missing(client, clock, world, leader, tmp_path):
    evidence_storage().delete(world["supervision"].stored_name)
    client.force_login(leader)
    with clock(TODAY):
        response = _zip(client, world["plan"])
    assert response.status_code == 200
    archive = _open(response)
    assert not any("audit" in name for name in archive.namelist())
    info, text = _pdf(archive, tmp_path, f"evidence-pack-{world['plan'].pk}-2025-09-01.pdf")
    assert "Missing from evidence storage: audit.pdf" in text


def test_the_findings_page_offers_the_pack_to_leadership_only(
    client, clock, world, leader, manager
):
    with clock(TODAY):
        client.force_login(leader)
        body = client.get(reverse("impact:findings"), {"plan": world["plan"].pk}).content.decode()
        client.force_login(manager)
        theirs = client.get(reverse("impact:findings"), {"plan": world["plan"].pk}).content
    assert "Get the inspector's evidence pack (ZIP)" in body
    assert "A large plan takes a few minutes: a page shows how far it has got" in body
    assert b"evidence pack" not in theirs


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("../../etc/passwd", "pdf", "1-passwd.pdf"),
        ("résumé ✓.pdf", "pdf", "1-resume.pdf"),
        ("line\nbreak\x00.docx", "docx", "1-line-break.docx"),
        ("..\\..\\web.config", "pdf", "1-web.config.pdf"),
        ("", "pdf", "1-evidence.pdf"),
        ("✓✓✓.pdf", "pdf", "1-evidence.pdf"),
        ("a" * 300 + ".XLSX", "xlsx", "1-" + "a" * 93 + ".xlsx"),
    ],
)
def test_safe_file_names(name, extension, expected):
    made = evidence_pack.safe_file_name(1, name, extension)
    assert made == expected
    assert len(made) <= 100
