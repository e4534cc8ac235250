from datetime import date

import pytest

from importing.columns import MILESTONES, OBJECTIVES, guess_mapping
from importing.parsing import read_workbook
from tests import factories

TODAY = date(2026, 1, 15)


@pytest.fixture
def plan(admin_user):
    return factories.make_plan(
        user=admin_user,
        name="Children's services improvement plan",
        starts_on=date(2025, 4, 1),
        ends_on=date(2027, 3, 31),
    )


@pytest.fixture
def owner(db):
    return factories.make_manager("jo_owner", email="Jo.Owner@Example.org")


def read(data: bytes):
    """(workbook, mapping guessed from its headings)."""
    workbook = read_workbook(data)
    mapping = {
        OBJECTIVES: guess_mapping(workbook.sheet(OBJECTIVES), OBJECTIVES),
        MILESTONES: guess_mapping(workbook.sheet(MILESTONES), MILESTONES),
    }
    return workbook, mapping
