"""Evidence: links and files on an objective, an update or a completed milestone; hostile uploads
refused with nothing stored; downloads only for people signed in, as attachments."""

import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from impact import evidence_services
from impact.models import Evidence
from milestones import services as milestone_services
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
BOUNDARY = "----evidenceboundary"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def multipart(fields: dict, filename: str, data: bytes) -> bytes:
    """A form body whose file name is sent exactly as given (the test client would trim it)."""
    parts = []
    for name, value in fields.items():
        parts.append(
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
            f'name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


@pytest.fixture
def objective(clock, admin_user, manager):
    with clock(date(2025, 3, 1)):
        plan = factories.make_plan(user=admin_user)
        return factories.make_objective(plan, user=admin_user, owner=manager)


def upload(client, objective, filename, data, **fields):
    body = multipart(
        {"kind": "file", "title": "", "attach_to": "objective", **fields}, filename, data
    )
    return client.post(
        reverse("impact:evidence_create", args=[objective.pk]),
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def stored_files(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("big.txt", b"a" * (10 * 1024 * 1024 + 1), "must be smaller than 10 MB"),
        ("page.html", b"<html><body>hi</body></html>", "web page, an SVG image or a script"),
        ("notes.txt", b"<!DOCTYPE html><script>alert(1)</script>", "web page, an SVG image"),
        (
            "chart.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "web page, an SVG image or a script",
        ),
        ("data.csv", b'a,b\n<svg onload="alert(1)">', "web page, an SVG image or a script"),
        (
            "report.pdf",
            b"just some text, not a PDF",
            "is not a real PDF: its content does not match",
        ),
        ("photo.png", b"<svg><script>alert(1)</script></svg>", "is not a real PNG image"),
        ("minutes.docx", PDF, "is not a real Word document"),
        ("photo.jpg", PNG, "is not a real JPEG image"),
        ("run.exe", b"MZ\x90\x00", "web page, an SVG image or a script"),
        ("archive.zip", b"PK\x03\x04", "must be a PDF, a Word, Excel or PowerPoint file"),
        ("../../../etc/passwd", b"root:x:0:0", "must be a PDF, a Word, Excel or PowerPoint file"),
        ("..\\..\\web.config", b"<configuration/>", "must be a PDF, a Word, Excel"),
        ("...", b"hello", "must not contain folders"),
        ("evil..txt", b"hello", "must not contain folders"),
        (".htaccess", b"Deny from all", "must not contain folders"),
        ("report.pdf/..", PDF, "Select a file"),
        ("empty.txt", b"", "The selected file is empty"),
    ],
)
def test_hostile_uploads_are_refused_and_nothing_is_stored(
    client, clock, objective, manager, evidence_folder, filename, data, message
):
    client.force_login(manager)
    with clock(date(2025, 4, 1)):
        response = upload(client, objective, filename, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert message in body
    assert Evidence.objects.count() == 0
    assert Evidence.history.count() == 0
    assert stored_files(evidence_folder) == []


@pytest.mark.parametrize(
    ("filename", "data", "extension"),
    [
        ("board report.pdf", PDF, "pdf"),
        ("audit.docx", docx(), "docx"),
        ("chart.png", PNG, "png"),
        ("figures.csv", b"month,value\n2025-03,12\n", "csv"),
    ],
)
def test_good_files_are_stored_privately_under_a_random_name(
    client, clock, objective, manager, evidence_folder, filename, data, extension
):
    client.force_login(manager)
    with clock(date(2025, 4, 1)):
        response = upload(client, objective, filename, data, title="Audit")
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == filename
    assert evidence.extension == extension
    assert filename not in evidence.stored_name
    files = stored_files(evidence_folder)
    assert [f.name for f in files] == [evidence.stored_name]
    assert files[0].read_bytes() == data
    assert evidence.history.get().history_user == manager


def test_folders_in_a_file_name_never_reach_the_disk(
    client, clock, objective, manager, evidence_folder
):
    """The folder part of a name is dropped before the app sees it; the name is kept as data
    only, and the file goes into the evidence folder under a random name."""
    client.force_login(manager)
    with clock(date(2025, 4, 1)):
        upload(client, objective, "../../../../tmp/notes.txt", b"minutes of the panel")
    evidence = Evidence.objects.get()
    assert evidence.original_name == "notes.txt"
    assert [f.parent for f in stored_files(evidence_folder)] == [evidence_folder]


def test_links_and_attachments(client, clock, objective, manager, admin_user):
    with clock(date(2025, 4, 1)):
        milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2025, 3, 20))
        update = factories.make_update(objective, user=manager, reported_on=date(2025, 3, 31))
        client.force_login(manager)
        url = reverse("impact:evidence_create", args=[objective.pk])
        refused = client.post(
            url,
            {"kind": "link", "title": "x", "url": "javascript:alert(1)", "attach_to": "objective"},
        )
        assert "Enter a web address that starts with https://" in refused.content.decode()
        not_done = client.post(
            url,
            {
                "kind": "link",
                "title": "x",
                "url": "https://e.org",
                "attach_to": f"milestone-{milestone.pk}",
            },
        )
        assert not_done.status_code == 200  # only completed milestones are offered
        milestone_services.milestone_complete(
            user=admin_user,
            milestone=milestone,
            completed_on=date(2025, 3, 25),
            reason="Finished before it was recorded",
        )
        for attach in ("objective", f"update-{update.pk}", f"milestone-{milestone.pk}"):
            response = client.post(
                url,
                {
                    "kind": "link",
                    "title": f"Audit {attach}",
                    "url": "https://intranet.example.org/a",
                    "attach_to": attach,
                },
            )
            assert response.status_code == 302, response.content.decode()
    rows = {e.title: e for e in Evidence.objects.all()}
    assert (
        rows["Audit objective"].milestone is None
        and rows["Audit objective"].progress_update is None
    )
    assert rows[f"Audit update-{update.pk}"].progress_update == update
    assert rows[f"Audit milestone-{milestone.pk}"].milestone == milestone
    with clock(date(2025, 4, 1)):
        page = client.get(
            reverse("tracking:objective_detail", args=[objective.pk])
        ).content.decode()
    assert "3 pieces of evidence (0 files, 3 links)" in page


def test_downloads_only_for_people_signed_in_as_attachments(
    client, clock, objective, manager, leader
):
    with clock(date(2025, 4, 1)):
        evidence = evidence_services.evidence_add_file(
            user=manager, objective=objective, title="Audit", name="audit report.pdf", data=PDF
        )
    url = reverse("impact:evidence_download", args=[evidence.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert b"%PDF" not in anonymous.content
    client.force_login(leader)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "audit report.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_a_person_with_no_role_gets_nothing(client, clock, objective, manager):
    with clock(date(2025, 4, 1)):
        evidence = evidence_services.evidence_add_file(
            user=manager, objective=objective, title="Audit", name="a.txt", data=b"notes"
        )
    nobody = factories.make_user("no_role", roles=())
    client.force_login(nobody)
    assert client.get(reverse("impact:evidence_download", args=[evidence.pk])).status_code == 403


def test_withdrawal_needs_a_reason_and_keeps_the_file(
    client, clock, objective, manager, other_manager, evidence_folder
):
    with clock(date(2025, 4, 1)):
        evidence = evidence_services.evidence_add_file(
            user=manager, objective=objective, title="Audit", name="a.txt", data=b"notes"
        )
        url = reverse("impact:evidence_withdraw", args=[evidence.pk])
        client.force_login(other_manager)
        assert client.post(url, {"reason": "not mine"}).status_code == 403
        client.force_login(manager)
        missing = client.post(url, {"reason": "  "})
        assert "Enter why the evidence is being withdrawn" in missing.content.decode()
        done = client.post(url, {"reason": "Wrong audit attached"})
        assert done.status_code == 302
        page = client.get(
            reverse("tracking:objective_detail", args=[objective.pk])
        ).content.decode()
        download = client.get(reverse("impact:evidence_download", args=[evidence.pk]))
    evidence.refresh_from_db()
    assert evidence.withdrawn_on == date(2025, 4, 1)
    assert evidence.history.latest().history_change_reason == "Wrong audit attached"
    assert len(stored_files(evidence_folder)) == 1
    assert "0 pieces of evidence" in page and "1 withdrawn" in page
    assert download.status_code == 200


def test_the_upload_form_still_checks_the_csrf_token(clock, objective, manager):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    with clock(date(2025, 4, 1)):
        response = upload(client, objective, "notes.txt", b"minutes")
    assert response.status_code == 403
    assert Evidence.objects.count() == 0


def test_a_huge_file_is_not_kept_while_it_is_read(client, clock, objective, manager):
    """The upload handler drops a file as soon as it passes 10 MB: the view says so."""
    client.force_login(manager)
    with clock(date(2025, 4, 1)):
        response = upload(client, objective, "big.pdf", b"%PDF-" + b"0" * (12 * 1024 * 1024))
    assert "The selected file must be smaller than 10 MB" in response.content.decode()
    assert "Select a file" not in response.content.decode()
    assert Evidence.objects.count() == 0


def test_an_opendocument_whose_mimetype_unpacks_to_150_mb_is_refused_unread():
    """A real "mimetype" part holds only the type: a larger one is refused without unpacking."""
    import tracemalloc

    from django.core.exceptions import ValidationError

    from impact.uploads import check_upload

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as part:
            part.write(b"application/vnd.oasis.opendocument.text")
            for _ in range(150):
                part.write(b" " * (1024 * 1024))
        archive.writestr("content.xml", "<office:document-content/>")
    data = buffer.getvalue()
    assert len(data) < 10 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match="is not a real OpenDocument text"):
            check_upload("minutes.odt", data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024, f"peak memory {peak:,} bytes"
