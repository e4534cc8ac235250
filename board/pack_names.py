"""Safe names for the files and folders inside the inspector's evidence pack's ZIP."""

from __future__ import annotations

import re
import unicodedata

NAME_MAX = 100  # characters in a file's name inside the ZIP (its folders apart)
PART_MAX = 40  # characters in a folder's name made from a ref
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_part(text: str, *, limit: int = PART_MAX, default: str = "item") -> str:
    """``text`` as one safe path part: ASCII letters, digits, ".", "-" and "_" only (accents
    dropped, anything else a "-"), no "..", no leading or trailing dot or dash, at most
    ``limit`` characters; ``default`` when nothing is left."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    plain = _UNSAFE.sub("-", plain)
    plain = re.sub(r"\.{2,}", ".", plain)
    plain = re.sub(r"-{2,}", "-", plain)
    plain = plain.strip(".-_ ")[:limit].rstrip(".-_ ")
    return plain or default


def safe_file_name(n: int, original: str, extension: str) -> str:
    """``<n>-<stem>.<extension>``, safe and at most ``NAME_MAX`` characters. The extension is
    the one checked when the file was uploaded (kept whatever the name says)."""
    ext = safe_part(extension, limit=10, default="bin").lower()
    name = (original or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name[: -(len(extension) + 1)] if extension and name.lower().endswith(f".{ext}") else name
    prefix = f"{n}-"
    room = NAME_MAX - len(prefix) - len(ext) - 1
    return f"{prefix}{safe_part(stem, limit=room, default='evidence')}.{ext}"
