from datetime import date

import time_machine

from tests import factories
from tracking import selectors


@time_machine.travel("2026-06-01 12:00 +01:00", tick=False)
def test_plan_drift_reads_a_new_objective(admin_user, manager):
    objective = factories.make_objective(user=admin_user, owner=manager)
    factories.make_milestone(objective, user=admin_user, due_date=date(2026, 5, 1))
    result = selectors.plan_drift(objective.plan)
    assert [row.rag for row in result.objectives] == ["red"]
    assert result.objectives[0].flags == ("overdue_milestone", "stale")
