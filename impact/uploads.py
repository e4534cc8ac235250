"""Checks on an uploaded evidence file: its size, its name and its content must agree.

Only these kinds are accepted: PDF; Word, Excel and PowerPoint (docx, xlsx, pptx); OpenDocument
text and spreadsheets (odt, ods); PNG, JPEG and GIF images; CSV and plain text. Each is checked by
its first bytes or, for office files, by the structure of the zip inside. HTML, SVG, scripts and
anything else are refused. Pure functions of the name and the bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
NAME_MAX = 255

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "csv": "text/csv",
    "txt": "text/plain",
}
KIND_NAMES = {
    "pdf": "PDF",
    "docx": "Word document",
    "xlsx": "Excel workbook",
    "pptx": "PowerPoint presentation",
    "odt": "OpenDocument text",
    "ods": "OpenDocument spreadsheet",
    "png": "PNG image",
    "jpg": "JPEG image",
    "jpeg": "JPEG image",
    "gif": "GIF image",
    "csv": "CSV file",
    "txt": "text file",
}
OFFICE_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
WEB_EXTENSIONS = {
    "htm",
    "html",
    "xhtml",
    "shtml",
    "svg",
    "svgz",
    "xml",
    "js",
    "mjs",
    "php",
    "asp",
    "aspx",
    "jsp",
    "sh",
    "bat",
    "cmd",
    "ps1",
    "exe",
    "dll",
    "vbs",
    "hta",
    "swf",
}
# Text that marks a web page, an SVG image or a script (looked for in the start of a text file).
WEB_MARKERS = (
    b"<!doctype",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<svg",
    b"<?xml",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<meta",
    b"<link",
    b"<style",
    b"<img",
    b"javascript:",
)

TYPES_MESSAGE = (
    "The selected file must be a PDF, a Word, Excel or PowerPoint file, an OpenDocument text or "
    "spreadsheet, a PNG, JPEG or GIF image, a CSV or a text file"
)
WEB_MESSAGE = (
    "The selected file is a web page, an SVG image or a script, which cannot be uploaded: "
    "upload a PDF, an office document, an image, a CSV or a text file"
)


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the person's file name, kept as data only
    extension: str
    content_type: str
    size: int


def _refuse(message: str):
    raise ValidationError({"file": message})


def check_name(name: str) -> tuple[str, str]:
    """The trimmed name and its lower-case extension, or a ValidationError."""
    name = (name or "").strip()
    if not name:
        _refuse("Select a file")
    if len(name) > NAME_MAX:
        _refuse(f"The file name must be {NAME_MAX} characters or fewer")
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        _refuse("The file name must not contain folders: rename the file and try again")
    if any(not ch.isprintable() for ch in name):
        _refuse("The file name contains characters that cannot be used: rename the file")
    stem, dot, extension = name.rpartition(".")
    extension = extension.lower()
    if not dot or not stem:
        _refuse(TYPES_MESSAGE)
    if extension in WEB_EXTENSIONS:
        _refuse(WEB_MESSAGE)
    if extension not in CONTENT_TYPES:
        _refuse(TYPES_MESSAGE)
    return name, extension


def _looks_like_web(head: bytes) -> bool:
    sample = head.lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    return any(marker in sample for marker in WEB_MARKERS)


def _check_zip(data: bytes, extension: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if any(n.startswith("/") or ".." in n.split("/") for n in names):
                return False
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return False
            if extension in OFFICE_FOLDERS:
                return "[Content_Types].xml" in names and any(
                    n.startswith(OFFICE_FOLDERS[extension]) for n in names
                )
            if "mimetype" not in names:
                return False
            expected = CONTENT_TYPES[extension].encode()
            room = len(expected) + 16  # the type, with perhaps a line break around it
            if archive.getinfo("mimetype").file_size > room:
                return False  # never unpacked: it could be any size once unpacked
            with archive.open("mimetype") as part:
                return part.read(room).strip() == expected
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError):
        return False


def _content_matches(data: bytes, extension: str) -> bool:
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return data[:6] in (b"GIF87a", b"GIF89a")
    if extension in ("docx", "xlsx", "pptx", "odt", "ods"):
        return data.startswith(b"PK\x03\x04") and _check_zip(data, extension)
    # csv and txt: readable text, with no binary bytes
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def check_upload(name: str, data: bytes) -> CheckedFile:
    """Accept the file, or raise a ValidationError on ``file`` saying clearly what is wrong."""
    name, extension = check_name(name)
    size = len(data)
    if size > MAX_BYTES:
        _refuse("The selected file must be smaller than 10 MB")
    if size == 0:
        _refuse("The selected file is empty")
    if _looks_like_web(data[:4096]) and extension in ("csv", "txt"):
        _refuse(WEB_MESSAGE)
    if not _content_matches(data, extension):
        _refuse(
            f"The selected file is not a real {KIND_NAMES[extension]}: its content does not "
            "match its name"
        )
    return CheckedFile(name, extension, CONTENT_TYPES[extension], size)
