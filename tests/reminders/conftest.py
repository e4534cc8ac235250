"""A morning to remind people about: Monday 2 March 2026 (T), with everything the rules name.

Built on 5 January 2026 unless said otherwise, through the services, so history is recorded.
Plan thresholds: due soon within 14 days, stale after 42 (an update is due from 35 days).

- ``mo`` owns 1.1 (one milestone overdue since 25 February, one due soon on 10 March, one far
  off, one complete, one withdrawn that would be due soon; an update on 25 February) and 1.2
  (no update since it started on 1 January: update due).
- ``nat`` owns 2.1 (last update 26 January: 35 days, update due) and 2.2 (27 January: 34 days,
  not yet); 2.1's milestone was moved later on 26 February "Supplier delay"; 2.2's milestone
  was completed on 27 February.
- ``lou`` has left; she owns 3.1 with an overdue milestone.
- ``nomail`` has no email address; he owns 3.2 with an overdue milestone.
- 3.3 has no owner. 4.1, owned by ``mo``, is withdrawn (with an overdue milestone).
- A draft plan has 9.1, owned by ``mo``, with an overdue milestone.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from milestones import services as milestone_services
from objectives import services
from objectives.history import save_with_history
from tests import factories

T = date(2026, 3, 2)  # a Monday
BUILT = date(2026, 1, 5)


def publish(plan, *, user, on: date):
    plan.published_on = on
    return save_with_history(plan, user=user, reason="Plan published")


@dataclass
class Morning:
    admin: object
    leader: object
    mo: object
    nat: object
    lou: object
    nomail: object
    plan: object
    draft: object
    objectives: dict
    milestones: dict


@pytest.fixture
def morning(db, clock):
    f = factories
    with clock(BUILT):
        admin = f.make_admin("ada", first_name="Ada", last_name="Admin")
        leader = f.make_leader("lee", first_name="Lee", last_name="Leader")
        mo = f.make_manager("mo", first_name="Mo", last_name="Khan")
        nat = f.make_manager("nat", first_name="Nat", last_name="Patel")
        lou = f.make_manager("lou", first_name="Lou", last_name="Leaver")
        nomail = f.make_manager("nomail", first_name="Noel", last_name="Mail", email="")
        plan = f.make_plan(user=admin, name="Children's services improvement plan", published=False)
        publish(plan, user=admin, on=BUILT)
        draft = f.make_plan(user=admin, name="Draft plan", published=False)

        def objective(ref, owner, p=plan, **kw):
            return f.make_objective(
                p,
                user=admin,
                ref=ref,
                title=f"Objective {ref}",
                owner=owner,
                starts_on=date(2026, 1, 1),
                target_date=date(2026, 12, 31),
                **kw,
            )

        o = {
            ref: objective(ref, owner)
            for ref, owner in [
                ("1.1", mo),
                ("1.2", mo),
                ("2.1", nat),
                ("2.2", nat),
                ("3.1", lou),
                ("3.2", nomail),
                ("3.3", None),
                ("4.1", mo),
            ]
        }
        o["9.1"] = objective("9.1", mo, p=draft)

        def milestone(ref, title, due):
            return f.make_milestone(o[ref], user=admin, title=title, due_date=due)

        m = {
            "overdue": milestone("1.1", "Recruit ten social workers", date(2026, 2, 25)),
            "soon": milestone("1.1", "Open the academy", date(2026, 3, 10)),
            "far": milestone("1.1", "First cohort qualifies", date(2026, 9, 30)),
            "done": milestone("1.1", "Agree the budget", date(2026, 1, 20)),
            "withdrawn": milestone("1.1", "Dropped idea", date(2026, 3, 5)),
            "moved": milestone("2.1", "Case recording system live", date(2026, 3, 31)),
            "completed": milestone("2.2", "Audit finished", date(2026, 4, 30)),
            "leaver": milestone("3.1", "Leaver's milestone", date(2026, 2, 1)),
            "nomail": milestone("3.2", "No-mail milestone", date(2026, 2, 1)),
            "withdrawn_objective": milestone("4.1", "Withdrawn objective's", date(2026, 2, 1)),
            "draft": milestone("9.1", "Draft milestone", date(2026, 2, 1)),
            "far_2_2": milestone("2.2", "Far off", date(2026, 9, 1)),
            "far_2_1": milestone("2.1", "Far off too", date(2026, 9, 1)),
        }
        services.objective_withdraw(
            objective=o["4.1"], user=admin, reason="Merged into 1.1", expected_version=None
        )
        milestone_services.milestone_withdraw(
            milestone=m["withdrawn"], user=admin, reason="No longer needed", expected_version=None
        )
    with clock(date(2026, 1, 20)):
        milestone_services.milestone_complete(
            milestone=m["done"], user=mo, completed_on=date(2026, 1, 20)
        )
    with clock(date(2026, 1, 26)):
        f.make_update(o["2.1"], user=nat, reported_on=date(2026, 1, 26))
    with clock(date(2026, 1, 27)):
        f.make_update(o["2.2"], user=nat, reported_on=date(2026, 1, 27))
    with clock(date(2026, 2, 1)):
        lou.is_active = False
        lou.save(update_fields=["is_active"])
    with clock(date(2026, 2, 25)):
        f.make_update(o["1.1"], user=mo, reported_on=date(2026, 2, 25))
    with clock(date(2026, 2, 26)):
        milestone_services.milestone_reschedule(
            milestone=m["moved"], user=nat, due_date=date(2026, 5, 29), reason="Supplier delay"
        )
    with clock(date(2026, 2, 27)):
        milestone_services.milestone_complete(
            milestone=m["completed"], user=nat, completed_on=date(2026, 2, 27)
        )
    return Morning(admin, leader, mo, nat, lou, nomail, plan, draft, o, m)
