"""Panels an app shows on a page of an app below it, without the lower app importing it.

The lower app keeps one ``Panels`` for the page (``dashboard.panels.dashboard``,
``tracking.panels.objective_page``, ...); the app above registers a function that builds its
panel from its ``AppConfig.ready``. The page's view builds every registered panel and passes each
to its template under the panel's name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.utils.functional import SimpleLazyObject


class Panels:
    def __init__(self, page: str):
        self.page = page
        self._builders: dict[str, Callable] = {}

    def register(self, name: str, build: Callable) -> None:
        """Show ``build(...)`` on the page as ``name`` (registering a name again replaces it)."""
        self._builders[name] = build

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
