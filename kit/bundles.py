"""Many small entries of Django's cache that a page reads together, kept together as well.

A page reads a few hundred small entries at once: a plan's objectives under their stamps, a
table's rows drawn once each. Each entry keeps its own key, and that key names what it holds
(an objective's stamp, a digest of what a row shows), so an entry is never wrong, only unused.
A bundle holds a copy of the entries one read used, under a key of its own: the next read of
the same entries finds them in one cache read, and reads by their own keys only those the
bundle lacks (after a write, the one or two drawn anew). Reading 300 keys one by one costs
over a millisecond of key checks, locking and unpickling on the local-memory cache, and a
reply of 300 values from Redis; one read costs a fraction of that.

Writing a bundle again costs as much as reading it, more for entries that are objects rather
than text: ``refresh_after`` says how many of a read's entries may be missing from the bundle
(found by their own keys) before it is written again, so that a busy plan does not pay for it
after every write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache

TIMEOUT = 60 * 60 * 24


@dataclass
class Read:
    """What one read of ``keys`` found: ``found`` (key -> value) and the keys that were not in
    the bundle ``name``."""

    name: str
    keys: list[str]
    found: dict = field(default_factory=dict)
    outside: set = field(default_factory=set)

    @property
    def missing(self) -> list[str]:
        """The keys found nowhere: their entries are to be made (and then ``keep``)."""
        return [key for key in self.keys if key not in self.found]

    def keep(self, new: dict, *, refresh_after: int = 0, timeout: int = TIMEOUT) -> None:
        """Keep ``new`` (key -> value) under their own keys, and the bundle as this read's
        entries when more than ``refresh_after`` of them were not in it."""
        if new:
            cache.set_many(new, timeout=timeout)
            self.found.update(new)
            self.outside.update(new)  # made now, or made again: the bundle holds them no more
        if len(self.outside) > refresh_after:
            entries = {key: self.found[key] for key in self.keys if key in self.found}
            cache.set(self.name, entries, timeout=timeout)


def read(name: str, keys: list[str]) -> Read:
    """The entries of ``keys``: those in the bundle ``name``, then the others by their own
    keys."""
    bundle = cache.get(name) or {}
    result = Read(name, keys)
    for key in keys:
        if key in bundle:
            result.found[key] = bundle[key]
        else:
            result.outside.add(key)
    if result.outside:
        result.found.update(cache.get_many(list(result.outside)))
    return result
