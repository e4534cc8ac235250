"""A person made an objective's owner is told once, by email, when the change is saved: one
email per person per change (one assignment, a bulk move, an import, publishing a plan)."""

from datetime import date

import pytest

from importing.preview import PlanChoice
from importing.services import plan_import
from objectives import services as objective_services
from planning import services as planning_services
from reminders.models import SentEmail
from tests import factories
from tests.importing import workbooks as wb
from tests.importing.conftest import read

TODAY = date(2026, 12, 4)
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    with clock(TODAY):
        admin = factories.make_admin("olive_admin", first_name="Olive", last_name="Admin")
        plan = factories.make_plan(user=admin, name="Children's services improvement plan")
        return {
            "admin": admin,
            "plan": plan,
            "mo": factories.make_manager("mo_owner"),
            "nat": factories.make_manager("nat_owner"),
        }


@pytest.fixture
def committed(clock, django_capture_on_commit_callbacks):
    """Run the block at TODAY and send what it saved, as the commit does."""

    def run():
        class Both:
            def __enter__(self):
                self.time = clock(TODAY)
                self.time.__enter__()
                self.hooks = django_capture_on_commit_callbacks(execute=True)
                self.hooks.__enter__()

            def __exit__(self, *exc):
                self.hooks.__exit__(*exc)
                self.time.__exit__(*exc)

        return Both()

    return run


def _owner_emails(mailoutbox, to):
    return [m for m in mailoutbox if m.to == [to.email]]


def test_one_assignment_tells_the_new_owner_once_with_a_link(
    world, committed, mailoutbox, settings
):
    settings.SITE_URL = "http://127.0.0.1:8123"
    admin, plan, mo = world["admin"], world["plan"], world["mo"]
    with committed():
        objective = factories.make_objective(plan, user=admin, ref="2.1", title="Stable workforce")
    assert mailoutbox == []  # no owner yet
    with committed():
        objective_services.objective_assign_owner(
            objective=objective, user=admin, owner=mo, reason="Agreed at the board"
        )
    (email,) = mailoutbox
    assert email.to == [mo.email]
    assert email.subject == "Improvement plan: you now own objective 2.1"
    assert '2.1 "Stable workforce" (Children\'s services improvement plan)' in email.body
    assert f"http://127.0.0.1:8123/objectives/{objective.pk}/" in email.body
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"
    (row,) = SentEmail.objects.filter(kind="owner_assigned")
    assert (row.person, row.status, row.day) == (mo, "sent", TODAY)


def test_a_bulk_move_sends_one_email_listing_every_objective(world, committed, mailoutbox):
    admin, plan, mo, nat = world["admin"], world["plan"], world["mo"], world["nat"]
    for i in range(1, 4):
        with committed():
            factories.make_objective(plan, user=admin, ref=f"5.{i}", owner=mo)
    assert len(_owner_emails(mailoutbox, mo)) == 3  # three separate changes, three emails
    mailoutbox.clear()
    with committed():
        objective_services.open_objectives_reassign(
            user=admin, from_person=mo, to_person=nat, reason="Mo is on leave"
        )
    (email,) = mailoutbox
    assert email.to == [nat.email]
    assert email.subject == "Improvement plan: you now own 3 objectives"
    assert all(f"5.{i} " in email.body for i in range(1, 4))
    assert SentEmail.objects.filter(kind="owner_assigned", person=nat).count() == 1


def test_an_import_sends_one_email_to_each_owner(world, committed, mailoutbox):
    admin, plan = world["admin"], world["plan"]
    jo = factories.make_manager("jo_import", email="jo.import@example.org")
    workbook, mapping = read(
        wb.build(
            [
                wb.objective("1.1", owner_email="jo.import@example.org"),
                wb.objective("1.2", owner_email="JO.IMPORT@example.org"),
                wb.objective("1.3", owner_email=world["nat"].email),
            ],
            [],
        )
    )
    with committed():
        plan_import(
            user=admin,
            workbook=workbook,
            mapping=mapping,
            choice=PlanChoice(plan=plan),
            file_name="tracker.xlsx",
            today=TODAY,
        )
    assert sorted(m.to[0] for m in mailoutbox) == sorted([jo.email, world["nat"].email])
    (jo_email,) = _owner_emails(mailoutbox, jo)
    assert jo_email.subject == "Improvement plan: you now own 2 objectives"


def test_nothing_is_sent_when_the_change_is_undone(world, committed, mailoutbox, monkeypatch):
    admin, plan, mo, nat = world["admin"], world["plan"], world["mo"], world["nat"]
    with committed():
        for i in range(1, 3):
            factories.make_objective(plan, user=admin, ref=f"7.{i}", owner=mo)
    mailoutbox.clear()
    real = objective_services.objective_assign_owner
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(objective_services, "objective_assign_owner", flaky)
    with pytest.raises(RuntimeError), committed():
        objective_services.open_objectives_reassign(
            user=admin, from_person=mo, to_person=nat, reason="x"
        )
    monkeypatch.undo()
    assert mailoutbox == []
    with committed():  # the next change starts afresh: only its own objective is named
        objective = factories.make_objective(plan, user=admin, ref="8.1")
        objective_services.objective_assign_owner(
            objective=objective, user=admin, owner=nat, reason="New"
        )
    (email,) = mailoutbox
    assert "8.1 " in email.body and "7.1" not in email.body


def test_a_drafts_owners_are_told_when_it_is_published(world, committed, mailoutbox):
    admin, mo, nat = world["admin"], world["mo"], world["nat"]
    with committed():
        draft = factories.make_plan(user=admin, published=False, name="Next plan")
        factories.make_objective(draft, user=admin, ref="1.1", owner=mo)
        factories.make_objective(draft, user=admin, ref="1.2", owner=mo)
        factories.make_objective(draft, user=admin, ref="1.3", owner=nat)
    assert mailoutbox == []
    with committed():
        planning_services.plan_publish(plan=draft, user=admin)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mo.email, nat.email])
    assert _owner_emails(mailoutbox, mo)[0].subject.endswith("you now own 2 objectives")


def test_no_email_to_oneself_or_someone_without_an_address(world, committed, mailoutbox):
    admin, plan = world["admin"], world["plan"]
    no_address = factories.make_manager("no_address", email="")
    with committed():
        factories.make_objective(plan, user=admin, ref="3.1", owner=admin)
        objective = factories.make_objective(plan, user=admin, ref="3.2")
        objective_services.objective_assign_owner(
            objective=objective, user=admin, owner=no_address, reason="Cover"
        )
    assert mailoutbox == []
    assert not SentEmail.objects.filter(kind="owner_assigned").exists()
