"""Keys of what is kept in Django's cache: digests of values, and of the templates that drew a
fragment, the same in every process and host (unlike ``hash``)."""

from __future__ import annotations

import hashlib

from .panels import template_digest


def digest(*values) -> str:
    """A digest of values' reprs."""
    return hashlib.blake2b(repr(values).encode(), digest_size=12).hexdigest()


def drawn_key(templates: tuple[str, ...], *shown) -> str:
    """The key a fragment is kept drawn under: the templates that draw it and what it shows."""
    return template_digest(*templates) + digest(*shown)
