"""Rows read by plain SQL are the instances the ORM reads (kit.model_rows): every field with
the same value and type, on SQLite and on PostgreSQL alike."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kit import model_rows
from objectives.models import Plan
from tests import factories

pytestmark = pytest.mark.django_db


def values(instance) -> dict:
    return {
        field.attname: (getattr(instance, field.attname), type(getattr(instance, field.attname)))
        for field in type(instance)._meta.concrete_fields
    }


@pytest.mark.parametrize("published", [True, False])
def test_a_plan_read_by_its_id_is_the_orm_s(admin_user, published):
    plan = factories.make_plan(user=admin_user, published=published)
    with CaptureQueriesContext(connection) as queries:
        read = model_rows.by_pk(Plan, plan.pk)
    assert len(queries) == 1
    assert values(read) == values(Plan.objects.get(pk=plan.pk))
    assert not read._state.adding and read._state.db == "default"
    assert read.is_draft is (not published)


def test_dates_times_and_booleans_are_converted_as_the_orm_converts_them(admin_user):
    """An account: a boolean, a date and time with its zone, text (SQLite keeps them raw)."""
    user = factories.make_user(active=False, first_name="Bryony")
    read = model_rows.by_pk(get_user_model(), user.pk)
    assert values(read) == values(get_user_model().objects.get(pk=user.pk))
    assert read.is_active is False and read.date_joined.tzinfo is not None


def test_no_such_row_is_none(admin_user):
    assert model_rows.by_pk(Plan, 10**17) is None
