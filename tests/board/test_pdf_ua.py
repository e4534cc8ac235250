"""Both PDFs the service writes, the board pack and the inspector's evidence pack, checked by
an independent PDF/UA-1 validator (``page``, from the page-validation package): no rule of
ISO 14289-1 it checks is broken."""

import page

from .test_evidence_pack import TODAY, _open, _zip, world  # noqa: F401 (the fixture)
from .test_pdf import _pdf


def _failures(data: bytes) -> list[str]:
    report = page.validate_pdf_bytes(data, profile=page.ValidationProfile.PDF_UA_1)
    return [f"{failure.rule_id}: {failure.message}" for failure in report.failures]


def test_the_board_pack_is_pdf_ua(client, board, leader, clock, tmp_path):
    assert _failures(_pdf(client, leader, clock, tmp_path).read_bytes()) == []


def test_the_evidence_pack_is_pdf_ua(client, clock, world, leader):  # noqa: F811
    client.force_login(leader)
    with clock(TODAY):
        archive = _open(_zip(client, world["plan"]))
    (name,) = [n for n in archive.namelist() if n.endswith(".pdf") and "/" not in n]
    assert _failures(archive.read(name)) == []
