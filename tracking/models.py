"""What every process reads before it trusts a past day it keeps: the generations.

The kept days themselves are in Django's cache (``tracking.pastdays``), which may be each
process's own memory; the numbers that say whether a kept day is still good are here, in the
database every process and host shares, and change in the same transaction as the history
that makes a past day read differently. Not part of the plan's record: no history.
"""

from django.db import models


class PastGeneration(models.Model):
    """One number under a name: a plan's generation (``plan:<id>``), the accounts' generation
    (``accounts``), or the latest past day a plan has had kept (``horizon:plan:<id>``, as a
    day number)."""

    key = models.CharField(max_length=64, unique=True)
    value = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class ObjectiveStamp(models.Model):
    """A number that changes, in the same transaction, with every recorded change that can
    alter what an objective shows today (``tracking.stamps``): what is kept drawn of it is kept
    under this number, so a write makes only its own objectives' parts cold. Not part of the
    plan's record: no history."""

    objective_id = models.BigIntegerField(primary_key=True)
    value = models.BigIntegerField()

    def __str__(self) -> str:
        return f"objective {self.objective_id} = {self.value}"
