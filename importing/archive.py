"""Check an uploaded workbook as a zip archive before openpyxl sees any of it.

Size, number of parts, total uncompressed size, compression ratio, size of the shared-strings
table, and every part read whole (in chunks) for a document type or entity declaration, which a
real workbook never has; then each sheet's rows counted and its merged cells found, without
parsing it.
"""

from __future__ import annotations

import io
import re
import zipfile

from .workbook import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    NOT_A_WORKBOOK,
    TOO_MANY_ROWS,
    Problem,
    WorkbookRefused,
)

MAX_PARTS = 500
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024
MAX_SHEET_BYTES = 24 * 1024 * 1024
MAX_ROW_ELEMENTS = 10 * MAX_ROWS  # rows in the file, empty formatted ones included
SMALL_PART_BYTES = 1024 * 1024
ROW_PATTERN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
MERGE_PATTERN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=\"([A-Za-z0-9:$]+)\"")
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
WORKBOOK_TYPES = (  # in the order openpyxl looks for them
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)


def check_archive(data: bytes) -> zipfile.ZipFile:
    """Refuse anything that is not a modest zip archive, before any of it is decompressed."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookRefused([Problem("", "The file must be smaller than 5 MB")])
    if not data:
        raise WorkbookRefused([Problem("", "The file is empty")])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise WorkbookRefused([Problem("", NOT_A_WORKBOOK)]) from None
    if len(members) > MAX_PARTS:
        raise WorkbookRefused([Problem("", f"{NOT_A_WORKBOOK} (it has too many parts)")])
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRefused([Problem("", NOT_A_WORKBOOK)])
    shared_strings = {name for name, kind in _content_types(archive) if kind == SHARED_STRINGS_TYPE}
    for member in members:
        is_strings = member.filename in shared_strings or member.filename.lower().endswith(
            "sharedstrings.xml"
        )
        if is_strings and member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise WorkbookRefused(
                [
                    Problem(
                        "",
                        "The workbook holds too much text to import (its shared text table is "
                        f"over {MAX_SHARED_STRINGS_BYTES // (1024 * 1024)} MB). Copy only the plan "
                        "into a new workbook and upload that",
                    )
                ]
            )
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookRefused(
            [
                Problem(
                    "",
                    "The workbook is too large once unpacked "
                    f"(over {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB). Copy only the plan "
                    "into a new workbook and upload that",
                )
            ]
        )
    for member in members:
        if member.file_size > RATIO_CHECKED_ABOVE and (
            member.file_size > MAX_RATIO * max(member.compress_size, 1)
        ):
            raise WorkbookRefused(
                [
                    Problem(
                        "",
                        "The workbook is packed far more tightly than a real workbook would be, "
                        "so it was not opened. Save it again from Excel and upload that",
                    )
                ]
            )
    for member in members:
        if _declares_document_type(archive, member):
            raise WorkbookRefused([Problem("", NOT_A_WORKBOOK)])
    return archive


# Looked for in lower case with every zero byte dropped: so found written in UTF-8 (or ASCII or
# Latin-1), UTF-16 or UTF-32, in either byte order, in any letter case.
DOCUMENT_TYPE_MARKERS = (b"<!doctype", b"<!entity")
SCAN_CHUNK_BYTES = 1024 * 1024
SCAN_OVERLAP_BYTES = max(len(marker) for marker in DOCUMENT_TYPE_MARKERS) - 1
# A part in an encoding that does not keep "<!" as those ASCII bytes could hide a marker, so
# it is refused: EBCDIC (which spells "<?xm" as 4C 6F A7 94), UTF-7 (whose byte-order mark is
# "+/v"), or any encoding declared other than those below. A workbook's parts are UTF-8 or
# UTF-16; the single-byte encodings listed keep ASCII as it is, so they are let through.
FOREIGN_XML_STARTS = (b"\x4c\x6f\xa7\x94", b"+/v")
DECLARED_ENCODING = re.compile(
    rb"^(?:\xef\xbb\xbf)?<\?xml\s[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']"
)
READABLE_ENCODINGS = {
    *("utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "us-ascii", "ascii"),
    *("iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252"),  # ASCII bytes stay ASCII
}


def _declares_document_type(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """True when the part has a document type or an entity declaration anywhere in it, or is in
    an encoding a workbook never uses.

    A real workbook has neither, so refusing them rules out entity expansion whatever parser
    reads the file. Every part is read whole, whatever its name, in chunks whose ends are
    joined so that a marker cut in two is still found. Zero bytes are dropped before looking, so
    whichever Unicode encoding a parser would read the part in (by its byte-order mark, its
    declaration or its first bytes), the marker is found without decoding anything.
    """
    tail = b""
    try:
        with archive.open(member) as part:
            chunk = part.read(SCAN_CHUNK_BYTES)
            if _foreign_encoding(chunk):
                return True
            while chunk:
                text = tail + chunk.translate(None, b"\0").lower()
                if any(marker in text for marker in DOCUMENT_TYPE_MARKERS):
                    return True
                tail = text[-SCAN_OVERLAP_BYTES:]
                chunk = part.read(SCAN_CHUNK_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        raise WorkbookRefused([Problem("", NOT_A_WORKBOOK)]) from None
    return False


def _foreign_encoding(head: bytes) -> bool:
    if head.startswith(FOREIGN_XML_STARTS):
        return True
    declared = DECLARED_ENCODING.match(head[:512])
    return bool(declared) and declared.group(1).decode("latin-1").lower() not in READABLE_ENCODINGS


def _small_xml(archive: zipfile.ZipFile, name: str):
    """The parsed part (at most its first megabyte), or None if it is missing or unreadable."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        with archive.open(name) as part:
            return fromstring(part.read(SMALL_PART_BYTES))
    except (KeyError, ParseError, DefusedXmlException, zipfile.BadZipFile, OSError, EOFError):
        return None


def _content_types(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(part path, content type) as [Content_Types].xml names them one by one, in its order:
    openpyxl finds the workbook and its shared-strings table by these, whatever their names."""
    types = _small_xml(archive, "[Content_Types].xml")
    if types is None:
        return []
    return [
        (item.get("PartName", "").lstrip("/"), item.get("ContentType", ""))
        for item in types
        if item.tag.endswith("Override")
    ]


def _workbook_part(archive: zipfile.ZipFile) -> str:
    """The part openpyxl reads as the workbook: the first named with a workbook's type."""
    types = _content_types(archive)
    for kind in WORKBOOK_TYPES:
        for name, named_kind in types:
            if named_kind == kind:
                return name
    return "xl/workbook.xml"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part path -> the sheet's title, from the workbook's own list of sheets."""
    import posixpath

    titles: dict[str, str] = {}
    workbook = _workbook_part(archive)
    folder, file_name = posixpath.split(workbook)
    book = _small_xml(archive, workbook)
    rels = _small_xml(archive, posixpath.join(folder, "_rels", f"{file_name}.rels"))
    if book is None or rels is None:
        return titles
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    for sheet in book.iter():
        if not sheet.tag.endswith("}sheet") and sheet.tag != "sheet":
            continue
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rel_id, "")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        titles[posixpath.normpath(path)] = sheet.get("name", path)
    return titles


def scan_sheets(archive: zipfile.ZipFile) -> list[Problem]:
    """Before openpyxl parses anything: count each sheet's rows and find merged cells, reading
    each part in chunks (never the whole part at once). A sheet is any part the workbook names
    as one, whatever its file name, and any .xml part in the worksheets folder."""
    problems: list[Problem] = []
    titles = _sheet_parts(archive)
    for member in archive.infolist():
        name = member.filename
        lower = name.lower()
        if name not in titles and not (
            lower.startswith("xl/worksheets/") and lower.endswith(".xml")
        ):
            continue
        title = titles.get(name, name)
        if member.file_size > MAX_SHEET_BYTES:
            problems.append(
                Problem(
                    title,
                    f"This sheet is too large to import (over {MAX_SHEET_BYTES // (1024 * 1024)} "
                    "MB once unpacked). Copy only the plan into a new workbook and upload that",
                )
            )
            continue
        rows, merged, tail = 0, [], b""
        with archive.open(member) as part:
            while chunk := part.read(1024 * 1024):
                text = tail + chunk
                rows += sum(1 for m in ROW_PATTERN.finditer(text) if m.end() > len(tail))
                merged.extend(m.group(1).decode("ascii") for m in MERGE_PATTERN.finditer(text))
                tail = text[-300:]  # a tag cut in two is found next time
                if rows > MAX_ROW_ELEMENTS:
                    break
        if rows > MAX_ROW_ELEMENTS:
            problems.append(Problem(title, TOO_MANY_ROWS))
            continue
        merged = list(dict.fromkeys(merged))
        if merged:
            shown = ", ".join(f"{title}!{ref}" for ref in merged[:5])
            more = f" and {len(merged) - 5} more" if len(merged) > 5 else ""
            problems.append(
                Problem(
                    title,
                    f"This sheet has merged cells ({shown}{more}). Unmerge them and put "
                    "the value in each cell",
                )
            )
    return problems
