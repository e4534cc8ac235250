"""Panels an app shows on a page of an app below it, without the lower app importing it.

The lower app keeps one ``Panels`` for the page (``dashboard.panels.dashboard``,
``tracking.panels.objective_page``, ...); the app above registers a function that builds its
panel from its ``AppConfig.ready``. The page's view builds every registered panel and passes each
to its template under the panel's name. A panel that also gives its marks (``register(...,
marks=, templates=)``) can be kept drawn in Django's cache under a key of what it shows (the
objective page does), and is then read only when something it shows was recorded.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from django.template.loader import get_template
from django.utils.functional import SimpleLazyObject

Marks = Callable[..., list[tuple[str, list]]]


@functools.cache
def template_digest(*names: str) -> str:
    """A digest of templates' text, for keys of what they drew: a changed template draws anew."""
    text = "".join(get_template(n).template.source for n in names)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class Panels:
    def __init__(self, page: str):
        self.page = page
        self._builders: dict[str, Callable] = {}
        self._marks: dict[str, tuple[Marks, tuple[str, ...]]] = {}

    def register(
        self, name: str, build: Callable, *, marks: Marks | None = None, templates=()
    ) -> None:
        """Show ``build(...)`` on the page as ``name`` (registering a name again replaces it).

        With ``marks`` and the ``templates`` that draw the panel, the page may keep it drawn:
        ``marks(...)`` gives SQL scalar subqueries with their parameters, each a value that
        changes whenever anything the panel shows is recorded (the latest id of a history
        table), so they and who is asking and the day make a key of what the panel shows."""
        self._builders[name] = build
        self._marks.pop(name, None)
        if marks is not None:
            self._marks[name] = (marks, tuple(templates))

    def marked(self) -> bool:
        """Whether every panel gave its marks (else the page draws them all each time)."""
        return set(self._marks) == set(self._builders)

    def marks(self, *args) -> list[tuple[str, list]]:
        """The marks of every panel, in the order they were registered."""
        return [part for name in self._builders for part in self._marks[name][0](*args)]

    def templates_digest(self) -> str:
        return template_digest(*(t for name in self._builders for t in self._marks[name][1]))

    def build(self, *args, **kwargs) -> dict[str, object]:
        """Every panel, built now, in the order they were registered."""
        return {name: build(*args, **kwargs) for name, build in self._builders.items()}

    def lazy(self, *args, **kwargs) -> dict[str, object]:
        """Every panel, built only when the page first reads it (a page that leaves it out,
        such as an objective not yet added on a past day, reads nothing for it)."""
        return {
            name: SimpleLazyObject(functools.partial(build, *args, **kwargs))
            for name, build in self._builders.items()
        }
