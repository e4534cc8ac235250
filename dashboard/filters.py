"""The dashboard's filters (theme, owner, RAG, flag), applied to the drift rows of one day."""

from __future__ import annotations

from dataclasses import dataclass

from objectives.drift import ObjectiveDrift

NONE = "none"  # the filter value for "no owner" / "no theme"


@dataclass(frozen=True)
class Filters:
    theme: str = ""
    owner: str = ""
    rag: str = ""
    flag: str = ""

    @property
    def active(self) -> bool:
        return any((self.theme, self.owner, self.rag, self.flag))

    def matches(self, row: ObjectiveDrift) -> bool:
        state = row.state
        if self.theme and (state.theme or NONE) != self.theme:
            return False
        if self.owner and (state.owner_username or NONE) != self.owner:
            return False
        if self.rag and row.rag != self.rag:
            return False
        return not self.flag or self.flag in row.flags

    def apply(self, rows) -> list[ObjectiveDrift]:
        return [row for row in rows if self.matches(row)]

    def params(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}
