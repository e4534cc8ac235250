"""Many small entries of Django's cache that a page reads together, kept together as well.

A page reads a few hundred small entries at once: a plan's objectives under their stamps, a
table's rows drawn once each. Each entry keeps its own key, and that key names what it holds
(an objective's stamp, a digest of what a row shows), so an entry is never wrong, only unused.
A bundle holds a copy of the entries one read used, under a key of its own: the next read of
the same entries finds them in one cache read, and reads by their own keys only those the
bundle lacks (after a write, the one or two drawn anew). Reading 300 keys one by one costs
over a millisecond of key checks, locking and unpickling on the local-memory cache, and a
reply of 300 values from Redis; one read costs a fraction of that.

A read may know its entries by labels shorter than their keys (``key_of`` makes a label's
key): the bundle is read by label, and a key is made only for an entry the bundle lacks. A
bundle may also keep a value worked out from all its entries (``extra``), for the next read
to take when its entries are the same; a read that wrote the bundle may keep it again with a
value worked out later (``keep_extra``).

Writing a bundle again costs as much as reading it, more for entries that are objects rather
than text: ``refresh_after`` says how many of a read's entries may be missing from the bundle
(found by their own keys) before it is written again, so that a busy plan does not pay for it
after every write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache

TIMEOUT = 60 * 60 * 24


class _Bundle(dict):
    """A bundle's entries (label -> value), with the value worked out from them, if any."""

    __slots__ = ("extra",)


def _same(label: str) -> str:
    return label


@dataclass
class Read:
    """What one read of ``keys`` (labels, or the keys themselves) found: ``found`` (label ->
    value), the labels that were not in the bundle ``name``, and the bundle as it was read."""

    name: str
    keys: list[str]
    key_of: Callable[[str], str] = _same
    found: dict = field(default_factory=dict)
    outside: set = field(default_factory=set)
    bundled: dict = field(default_factory=dict)  # every entry of the bundle read, used or not
    extra: object = None  # the bundle's value worked out from its entries
    written: _Bundle | None = None  # the bundle as this read wrote it, if it did
    timeout: int = TIMEOUT

    @property
    def missing(self) -> list[str]:
        """The keys found nowhere: their entries are to be made (and then ``keep``)."""
        return [key for key in self.keys if key not in self.found]

    def keep(
        self, new: dict, *, refresh_after: int = 0, timeout: int = TIMEOUT, extra=None
    ) -> None:
        """Keep ``new`` (label -> value) under their own keys, and the bundle as this read's
        entries (with ``extra``) when more than ``refresh_after`` of them were not in it."""
        if new:
            key_of = self.key_of
            cache.set_many({key_of(label): value for label, value in new.items()}, timeout=timeout)
            self.found.update(new)
            self.outside.update(new)  # made now, or made again: the bundle holds them no more
        if len(self.outside) > refresh_after:
            entries = _Bundle((key, self.found[key]) for key in self.keys if key in self.found)
            entries.extra = extra
            cache.set(self.name, entries, timeout=timeout)
            self.written, self.timeout = entries, timeout

    def keep_extra(self, extra) -> None:
        """Keep ``extra`` with the bundle this read wrote, in place of what it was written with
        (a value worked out after the entries were kept); nothing when it wrote none."""
        if self.written is not None:
            self.written.extra = extra
            cache.set(self.name, self.written, timeout=self.timeout)


def read(name: str, keys: list[str], key_of: Callable[[str], str] = _same) -> Read:
    """The entries of ``keys``: those in the bundle ``name``, then the others by their own
    keys (``key_of`` of each, when ``keys`` are labels)."""
    bundle = cache.get(name) or {}
    result = Read(name, keys, key_of, bundled=bundle, extra=getattr(bundle, "extra", None))
    for key in keys:
        if key in bundle:
            result.found[key] = bundle[key]
        else:
            result.outside.add(key)
    if result.outside:
        labels = {key_of(label): label for label in result.outside}
        for key, value in cache.get_many(list(labels)).items():
            result.found[labels[key]] = value
    return result
