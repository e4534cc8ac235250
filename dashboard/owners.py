"""How many owners have a red or amber objective: the dashboard's "Owners with the most red"
shows the first ten and says how many there are in all ("10 of 12")."""

from dataclasses import dataclass


@dataclass(frozen=True)
class OwnerCounts:
    shown: int
    total: int

    @property
    def rest(self) -> int:
        return self.total - self.shown


def owner_counts(data) -> OwnerCounts:
    """Owners (and "no named owner") with at least one red or amber objective on the date, and
    how many of them the dashboard's chart and table show."""
    return OwnerCounts(shown=len(data.owners_most_red), total=len(data.owners_red_or_amber))
