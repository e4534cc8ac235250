"""The knock_on rule of docs/drift-rules.md against the pure module (no database, no clock).

D is 15 June 2026; every expected figure is worked out by hand from the rule's wording.
"""

from datetime import date, timedelta

from objectives import explain
from objectives.drift import (
    MilestoneState,
    ObjectiveState,
    PlanRules,
    Predecessor,
    milestone_drift,
    objective_drift,
)

D = date(2026, 6, 15)
RULES = PlanRules()


def day(offset: int) -> date:
    return D + timedelta(days=offset)


def waiting(*predecessors, due=None, completed_on=None) -> MilestoneState:
    due = due or day(30)
    return MilestoneState(
        id=1,
        title="Open the hub",
        baseline_date=due,
        due_date=due,
        completed_on=completed_on,
        predecessors=tuple(predecessors),
    )


def before(offset: int, *, id=2, completed_on=None, withdrawn=False, title="Recruit staff"):
    return Predecessor(id, "2.3", title, day(offset), completed_on, withdrawn)


def objective(*milestones) -> ObjectiveState:
    return ObjectiveState(
        id=1,
        ref="1.1",
        title="Stabilise the workforce",
        starts_on=day(-100),
        target_date=day(200),
        status="in_progress",
        owner_id=7,
        owner_username="mo",
        owner_name="Mo Manager",
        milestones=milestones,
        last_reported_on=day(-1),
    )


def test_a_predecessor_due_after_the_milestone_gives_the_days_between():
    result = milestone_drift(waiting(before(42)), D, RULES)
    assert result.knock_on_days == 12  # due day(30), predecessor day(42)
    assert result.waiting_for.id == 2
    assert result.depends_on == (2,)


def test_the_latest_predecessor_counts():
    result = milestone_drift(
        waiting(before(35, id=2), before(50, id=3), before(20, id=4)), D, RULES
    )
    assert (result.knock_on_days, result.waiting_for.id) == (20, 3)
    assert result.depends_on == (2, 3, 4)


def test_a_predecessor_due_on_or_before_the_milestone_gives_none():
    for offset in (30, 10, -5):
        result = milestone_drift(waiting(before(offset)), D, RULES)
        assert (result.knock_on_days, result.waiting_for) == (0, None)


def test_a_complete_predecessor_is_not_waited_for():
    assert milestone_drift(waiting(before(42, completed_on=day(-1))), D, RULES).knock_on_days == 0
    assert milestone_drift(waiting(before(42, completed_on=D)), D, RULES).knock_on_days == 0


def test_a_predecessor_completed_after_d_was_still_open_at_d():
    assert milestone_drift(waiting(before(42, completed_on=day(1))), D, RULES).knock_on_days == 12


def test_a_withdrawn_predecessor_is_linked_but_not_waited_for():
    result = milestone_drift(waiting(before(42, withdrawn=True)), D, RULES)
    assert result.knock_on_days == 0
    assert result.depends_on == (2,)


def test_a_complete_milestone_has_no_knock_on():
    result = milestone_drift(waiting(before(42), completed_on=day(-3)), D, RULES)
    assert result.knock_on_days == 0


def test_knock_on_leaves_the_milestones_own_rag_alone():
    alone = milestone_drift(waiting(), D, RULES)
    held = milestone_drift(waiting(before(42)), D, RULES)
    assert alone.rag == held.rag == "green"
    assert held.due_date == alone.due_date == day(30)


def test_knock_on_is_an_amber_flag_of_the_objective():
    result = objective_drift(objective(waiting(before(42))), D, RULES)
    assert result.flags == ("knock_on",)
    assert result.rag == "amber"
    assert objective_drift(objective(waiting(before(29))), D, RULES).rag == "green"


def test_knock_on_does_not_hide_a_red_flag():
    late = waiting(before(42), due=day(-1))  # overdue, and waiting for a later one
    result = objective_drift(objective(late), D, RULES)
    assert result.rag == "red"
    assert set(result.flags) == {"overdue_milestone", "knock_on"}


def test_the_words_name_the_predecessor_its_date_and_the_days():
    result = milestone_drift(
        waiting(Predecessor(2, "2.3", "Recruit staff", date(2027, 5, 3)), due=date(2027, 4, 21)),
        D,
        RULES,
    )
    assert explain.waiting_for(result) == (
        "Waiting for 2.3 \u2018Recruit staff\u2019, due 3 May 2027, 12 days after this milestone"
    )
    one = milestone_drift(waiting(before(31)), D, RULES)
    assert explain.waiting_for(one).endswith(", 1 day after this milestone")
    assert explain.waiting_for(milestone_drift(waiting(), D, RULES)) == ""


def test_the_objectives_reasons_carry_the_sentence():
    row = objective_drift(objective(waiting(before(42))), D, RULES)
    [reason] = explain.explain_drift(row, RULES, D)
    assert reason["rag"] == "amber"
    assert "\u2018Open the hub\u2019" in reason["text"]
    assert "Waiting for 2.3 \u2018Recruit staff\u2019" in reason["text"]
    assert "12 days after this milestone" in reason["text"]
