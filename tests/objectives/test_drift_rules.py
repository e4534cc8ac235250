"""The drift rules of docs/drift-rules.md, one by one, against the pure module (no database,
no clock).

Every expected value below is worked out by hand from the rule's wording, with D fixed at
15 June 2026 unless a test says otherwise.
"""

from datetime import date, timedelta

from objectives.drift import (
    MilestoneState,
    ObjectiveState,
    PlanRules,
    milestone_drift,
    objective_drift,
    open_part,
    plan_drift,
    summarise,
)

D = date(2026, 6, 15)
RULES = PlanRules()  # slip tolerance 28, stale after 42, due soon 14


def day(offset: int) -> date:
    """A date ``offset`` days from D (negative: before D)."""
    return D + timedelta(days=offset)


def milestone(
    *,
    id=1,
    baseline=None,
    due=None,
    completed_on=None,
    due_dates=(),
    title="Milestone",
):
    baseline = baseline if baseline is not None else day(30)
    due = due if due is not None else baseline
    return MilestoneState(
        id=id,
        title=title,
        baseline_date=baseline,
        due_date=due,
        completed_on=completed_on,
        due_dates=tuple(due_dates),
    )


def objective(**fields) -> ObjectiveState:
    """A healthy, green objective at D; each test spoils exactly what it is about."""
    defaults = {
        "id": 1,
        "ref": "1.1",
        "title": "Stabilise the workforce",
        "starts_on": day(-100),
        "target_date": day(200),
        "status": "in_progress",
        "owner_id": 7,
        "owner_username": "mo_manager",
        "owner_active": True,
        "milestones": (milestone(baseline=day(30)),),
        "last_reported_on": day(-1),
    }
    defaults.update(fields)
    return ObjectiveState(**defaults)


def flags_of(state: ObjectiveState, as_of: date = D, rules: PlanRules = RULES) -> set[str]:
    flags = objective_drift(state, as_of, rules).flags
    assert len(flags) == len(set(flags)), f"a flag is repeated: {flags}"
    return set(flags)


def rag_of(state: ObjectiveState, as_of: date = D, rules: PlanRules = RULES) -> str:
    return objective_drift(state, as_of, rules).rag


# --- the healthy baseline every objective test starts from --------------------------------------


def test_healthy_objective_is_green_with_no_flags():
    result = objective_drift(objective(), D, RULES)
    assert result.flags == ()
    assert result.rag == "green"


# --- milestone: complete -----------------------------------------------------------------------


def test_milestone_completed_on_d_is_complete():
    result = milestone_drift(milestone(baseline=day(5), completed_on=D), D, RULES)
    assert result.complete is True
    assert result.rag == "complete"


def test_milestone_completed_before_d_is_complete():
    result = milestone_drift(milestone(baseline=day(-5), completed_on=day(-9)), D, RULES)
    assert result.complete is True
    assert result.rag == "complete"


def test_milestone_completed_after_d_is_still_open_at_d():
    # Due 3 days before D, completed 2 days after D: at D it is open and 3 days overdue.
    result = milestone_drift(milestone(baseline=day(-3), completed_on=day(2)), D, RULES)
    assert result.complete is False
    assert result.overdue_days == 3
    assert result.slip_days == 0  # open, so measured on the due date, not the completion
    assert result.rag == "red"


def test_milestone_without_completed_on_is_open():
    result = milestone_drift(milestone(baseline=day(10)), D, RULES)
    assert result.complete is False
    assert result.rag == "green"


# --- milestone: slip_days ----------------------------------------------------------------------


def test_slip_days_is_due_date_minus_baseline_when_open():
    result = milestone_drift(milestone(baseline=date(2026, 7, 1), due=date(2026, 7, 11)), D, RULES)
    assert result.slip_days == 10


def test_slip_days_is_negative_when_forecast_earlier_than_baseline():
    result = milestone_drift(milestone(baseline=date(2026, 7, 20), due=date(2026, 7, 15)), D, RULES)
    assert result.slip_days == -5


def test_slip_days_across_a_month_end_counts_calendar_days():
    # 28 Feb 2026 to 2 Mar 2026: 2026 is not a leap year, so 2 days.
    result = milestone_drift(
        milestone(baseline=date(2026, 2, 28), due=date(2026, 3, 2), completed_on=date(2026, 3, 2)),
        D,
        RULES,
    )
    assert result.slip_days == 2


def test_slip_days_uses_completed_on_when_complete():
    # Baseline 1 June, forecast still says 20 June, but it was done on 8 June: slip 7 days.
    result = milestone_drift(
        milestone(baseline=date(2026, 6, 1), due=date(2026, 6, 20), completed_on=date(2026, 6, 8)),
        D,
        RULES,
    )
    assert result.slip_days == 7


def test_slip_days_negative_when_completed_early():
    result = milestone_drift(
        milestone(
            baseline=date(2026, 6, 30), due=date(2026, 6, 30), completed_on=date(2026, 6, 10)
        ),
        D,
        RULES,
    )
    assert result.slip_days == -20


# --- milestone: overdue_days -------------------------------------------------------------------


def test_overdue_days_zero_when_due_today():
    result = milestone_drift(milestone(baseline=D), D, RULES)
    assert result.overdue_days == 0
    assert result.rag == "green"


def test_overdue_days_one_when_due_yesterday():
    result = milestone_drift(milestone(baseline=day(-1)), D, RULES)
    assert result.overdue_days == 1


def test_overdue_days_counts_days_since_due_date():
    result = milestone_drift(milestone(baseline=date(2026, 5, 31)), D, RULES)
    assert result.overdue_days == 15


def test_overdue_days_zero_when_due_in_future():
    result = milestone_drift(milestone(baseline=day(3)), D, RULES)
    assert result.overdue_days == 0


def test_overdue_days_zero_when_complete_even_if_due_date_passed():
    result = milestone_drift(milestone(baseline=day(-30), completed_on=day(-2)), D, RULES)
    assert result.overdue_days == 0


# --- milestone: replans ------------------------------------------------------------------------


def test_replans_zero_for_a_milestone_never_moved():
    result = milestone_drift(milestone(baseline=day(30), due_dates=[day(30)]), D, RULES)
    assert result.replans == 0


def test_replans_counts_a_move_later():
    result = milestone_drift(
        milestone(baseline=day(30), due=day(40), due_dates=[day(30), day(40)]), D, RULES
    )
    assert result.replans == 1


def test_replans_counts_each_move_later():
    result = milestone_drift(
        milestone(baseline=day(30), due=day(60), due_dates=[day(30), day(40), day(50), day(60)]),
        D,
        RULES,
    )
    assert result.replans == 3


def test_replans_does_not_count_a_move_earlier():
    result = milestone_drift(
        milestone(baseline=day(30), due=day(20), due_dates=[day(30), day(20)]), D, RULES
    )
    assert result.replans == 0


def test_replans_does_not_count_a_save_that_changes_nothing():
    result = milestone_drift(
        milestone(baseline=day(30), due=day(30), due_dates=[day(30), day(30), day(30)]), D, RULES
    )
    assert result.replans == 0


def test_replans_counts_a_move_later_after_an_earlier_one():
    # 30 -> 20 (earlier, not a replan) -> 25 (later than its previous value: a replan).
    result = milestone_drift(
        milestone(baseline=day(30), due=day(25), due_dates=[day(30), day(20), day(25)]), D, RULES
    )
    assert result.replans == 1


# --- milestone: rag ----------------------------------------------------------------------------


def test_milestone_rag_complete_beats_everything():
    # Finished late, overdue before it finished, re-planned three times: still "complete".
    result = milestone_drift(
        milestone(
            baseline=day(-60),
            due=day(-20),
            completed_on=day(-10),
            due_dates=[day(-60), day(-40), day(-30), day(-20)],
        ),
        D,
        RULES,
    )
    assert result.rag == "complete"


def test_milestone_rag_red_when_overdue():
    result = milestone_drift(milestone(baseline=day(-1)), D, RULES)
    assert result.slip_days == 0
    assert result.rag == "red"


def test_milestone_rag_red_when_slip_beyond_tolerance():
    rules = PlanRules(slip_tolerance_days=10)
    result = milestone_drift(milestone(baseline=day(20), due=day(31)), D, rules)
    assert result.slip_days == 11
    assert result.rag == "red"


def test_milestone_rag_amber_when_slip_exactly_tolerance():
    rules = PlanRules(slip_tolerance_days=10)
    result = milestone_drift(milestone(baseline=day(20), due=day(30)), D, rules)
    assert result.slip_days == 10
    assert result.rag == "amber"


def test_milestone_rag_red_when_slip_is_tolerance_plus_one_with_default_tolerance():
    result = milestone_drift(milestone(baseline=day(5), due=day(5 + 29)), D, RULES)
    assert result.slip_days == 29
    assert result.rag == "red"


def test_milestone_rag_amber_when_slip_is_default_tolerance():
    result = milestone_drift(milestone(baseline=day(5), due=day(5 + 28)), D, RULES)
    assert result.slip_days == 28
    assert result.rag == "amber"


def test_milestone_rag_red_when_replanned_three_times_without_net_slip():
    # Moved later three times, then re-baselined to the final date: slip 0, replans 3.
    result = milestone_drift(
        milestone(baseline=day(60), due=day(60), due_dates=[day(30), day(40), day(50), day(60)]),
        D,
        RULES,
    )
    assert result.slip_days == 0
    assert result.replans == 3
    assert result.rag == "red"


def test_milestone_two_replans_alone_are_not_red():
    result = milestone_drift(
        milestone(baseline=day(50), due=day(50), due_dates=[day(30), day(40), day(50)]), D, RULES
    )
    assert result.slip_days == 0
    assert result.replans == 2
    assert result.rag == "green"


def test_milestone_rag_amber_when_slip_one_day():
    result = milestone_drift(milestone(baseline=day(10), due=day(11)), D, RULES)
    assert result.rag == "amber"


def test_milestone_rag_green_when_on_baseline():
    result = milestone_drift(milestone(baseline=day(10)), D, RULES)
    assert result.rag == "green"


def test_milestone_rag_green_when_forecast_earlier_than_baseline():
    result = milestone_drift(milestone(baseline=day(10), due=day(4)), D, RULES)
    assert result.rag == "green"


# --- objective flags, each alone --------------------------------------------------------------


def test_flag_no_owner():
    state = objective(owner_id=None, owner_username=None)
    assert flags_of(state) == {"no_owner"}
    assert rag_of(state) == "red"


def test_flag_owner_inactive():
    state = objective(owner_active=False)
    assert flags_of(state) == {"owner_inactive"}
    assert rag_of(state) == "red"


def test_flag_past_target():
    # The only milestone is done, so nothing else is wrong: target was yesterday.
    state = objective(
        target_date=day(-1),
        milestones=(milestone(baseline=day(-20), completed_on=day(-20)),),
    )
    assert flags_of(state) == {"past_target"}
    assert rag_of(state) == "red"


def test_no_past_target_when_target_is_d():
    state = objective(target_date=D, milestones=(milestone(baseline=D),))
    assert flags_of(state) == set()
    assert rag_of(state) == "green"


def test_flag_overdue_milestone():
    state = objective(milestones=(milestone(baseline=day(-2)),))
    assert flags_of(state) == {"overdue_milestone"}
    assert rag_of(state) == "red"


def test_flag_slipped_beyond_tolerance():
    state = objective(milestones=(milestone(baseline=day(10), due=day(10 + 29)),))
    assert flags_of(state) == {"slipped_beyond_tolerance"}
    assert rag_of(state) == "red"


def test_slip_exactly_tolerance_is_only_slipped():
    state = objective(milestones=(milestone(baseline=day(10), due=day(10 + 28)),))
    assert flags_of(state) == {"slipped"}
    assert rag_of(state) == "amber"


def test_flag_repeatedly_replanned():
    ms = milestone(baseline=day(60), due=day(60), due_dates=[day(30), day(40), day(50), day(60)])
    state = objective(milestones=(ms,))
    assert flags_of(state) == {"repeatedly_replanned"}
    assert rag_of(state) == "red"


def test_two_replans_raise_no_flag():
    ms = milestone(baseline=day(50), due=day(50), due_dates=[day(30), day(40), day(50)])
    assert flags_of(objective(milestones=(ms,))) == set()


def test_flag_milestone_after_target():
    # Baseline already after the target, so no slip; only the forecast-after-target problem.
    state = objective(target_date=day(100), milestones=(milestone(baseline=day(101)),))
    assert flags_of(state) == {"milestone_after_target"}
    assert rag_of(state) == "red"


def test_milestone_on_target_date_is_not_after_target():
    state = objective(target_date=day(100), milestones=(milestone(baseline=day(100)),))
    assert flags_of(state) == set()


def test_flag_slipped_one_day():
    state = objective(milestones=(milestone(baseline=day(10), due=day(11)),))
    assert flags_of(state) == {"slipped"}
    assert rag_of(state) == "amber"


def test_flag_slipped_even_when_the_milestone_is_red_for_being_overdue():
    # Slipped 5 days and now 1 day overdue: its own rag is red, but it has still slipped.
    ms = milestone(baseline=day(-6), due=day(-1))
    assert milestone_drift(ms, D, RULES).rag == "red"
    assert flags_of(objective(milestones=(ms,))) == {"overdue_milestone", "slipped"}


def test_flag_slipped_even_when_the_milestone_is_red_for_replans():
    ms = milestone(baseline=day(10), due=day(15), due_dates=[day(10), day(11), day(12), day(15)])
    assert milestone_drift(ms, D, RULES).rag == "red"
    assert flags_of(objective(milestones=(ms,))) == {"repeatedly_replanned", "slipped"}


def test_no_slipped_flag_for_a_milestone_ahead_of_baseline():
    state = objective(milestones=(milestone(baseline=day(10), due=day(5)),))
    assert flags_of(state) == set()


def test_flag_no_milestones():
    state = objective(milestones=())
    assert flags_of(state) == {"no_milestones"}
    assert rag_of(state) == "amber"


def test_no_milestones_flag_not_raised_when_only_completed_milestones_exist():
    state = objective(milestones=(milestone(baseline=day(-20), completed_on=day(-21)),))
    assert flags_of(state) == set()
    assert rag_of(state) == "green"


def test_not_stale_at_exactly_stale_after_days_since_last_update():
    state = objective(last_reported_on=day(-42))
    assert flags_of(state) == set()


def test_stale_one_day_after_stale_after_days_since_last_update():
    state = objective(last_reported_on=day(-43))
    assert flags_of(state) == {"stale"}
    assert rag_of(state) == "amber"


def test_stale_follows_the_plans_stale_after_days():
    rules = PlanRules(stale_after_days=10)
    assert flags_of(objective(last_reported_on=day(-10)), rules=rules) == set()
    assert flags_of(objective(last_reported_on=day(-11)), rules=rules) == {"stale"}


def test_stale_measured_from_starts_on_when_there_is_no_update():
    assert flags_of(objective(starts_on=day(-42), last_reported_on=None)) == set()
    assert flags_of(objective(starts_on=day(-43), last_reported_on=None)) == {"stale"}


def test_stale_measured_from_starts_on_when_it_is_later_than_the_last_update():
    # Re-started 10 days ago after an old update 100 days ago: not stale.
    state = objective(starts_on=day(-10), last_reported_on=day(-100))
    assert flags_of(state) == set()


def test_stale_measured_from_the_last_update_when_it_is_later_than_starts_on():
    state = objective(starts_on=day(-300), last_reported_on=day(-30))
    assert flags_of(state) == set()


def test_objective_not_yet_started_is_not_stale():
    state = objective(starts_on=day(20), last_reported_on=None, target_date=day(300))
    assert flags_of(state) == set()


# --- milestones that are finished do not raise flags ------------------------------------------


def test_milestone_finished_late_raises_no_flag_but_keeps_its_figures():
    late = milestone(
        baseline=day(-60),
        due=day(-20),
        completed_on=day(-10),
        due_dates=[day(-60), day(-40), day(-30), day(-20)],
    )
    result = objective_drift(objective(milestones=(late,)), D, RULES)
    assert result.flags == ()
    assert result.rag == "green"
    (m,) = result.milestones
    assert m.rag == "complete"
    assert m.slip_days == 50  # completed_on - baseline
    assert m.replans == 3
    assert m.overdue_days == 0


def test_completed_milestone_after_target_raises_no_flag():
    done = milestone(baseline=day(-5), completed_on=day(-5))
    state = objective(target_date=day(1), starts_on=day(-100), milestones=(done,))
    assert flags_of(state) == set()


def test_flags_from_open_milestones_only_when_mixed():
    done_late = milestone(id=1, baseline=day(-60), completed_on=day(-1))  # slip 59, done
    open_ok = milestone(id=2, baseline=day(20))
    assert flags_of(objective(milestones=(done_late, open_ok))) == set()


# --- objective rag ------------------------------------------------------------------------------


def test_complete_objective_has_no_flags_and_rag_complete():
    state = objective(
        status="complete",
        owner_id=None,
        owner_username=None,
        target_date=day(-30),
        starts_on=day(-400),
        last_reported_on=None,
        milestones=(milestone(baseline=day(-90), due=day(-40)),),  # overdue and slipped
    )
    result = objective_drift(state, D, RULES)
    assert result.flags == ()
    assert result.rag == "complete"


def test_red_flag_beats_amber_flag():
    state = objective(last_reported_on=day(-60), owner_id=None, owner_username=None)
    assert flags_of(state) == {"no_owner", "stale"}
    assert rag_of(state) == "red"


def test_amber_flags_alone_make_amber():
    state = objective(
        last_reported_on=day(-60), milestones=(milestone(baseline=day(10), due=day(12)),)
    )
    assert flags_of(state) == {"stale", "slipped"}
    assert rag_of(state) == "amber"


def test_no_flags_is_green():
    assert rag_of(objective()) == "green"


def test_every_flag_is_raised_together_when_everything_is_wrong():
    bad = milestone(
        id=1,
        baseline=day(-50),
        due=day(-10),  # slip 40, overdue 10, after the target
        due_dates=[day(-50), day(-40), day(-30), day(-10)],
    )
    slipped = milestone(id=2, baseline=day(5), due=day(8))
    state = objective(
        owner_active=False,
        target_date=day(-20),
        starts_on=day(-200),
        last_reported_on=day(-100),
        milestones=(bad, slipped),
    )
    assert flags_of(state) == {
        "owner_inactive",
        "past_target",
        "overdue_milestone",
        "slipped_beyond_tolerance",
        "repeatedly_replanned",
        "milestone_after_target",
        "slipped",
        "stale",
    }


# --- ordering -----------------------------------------------------------------------------------


def _red_no_owner(ref, id, milestones):
    return objective(id=id, ref=ref, owner_id=None, owner_username=None, milestones=milestones)


def test_order_red_amber_green_complete():
    states = [
        objective(id=1, ref="1.1", status="complete"),
        objective(id=2, ref="1.2"),  # green
        objective(id=3, ref="1.3", milestones=()),  # amber: no milestones
        objective(id=4, ref="1.4", owner_id=None),  # red
    ]
    assert [d.ref for d in plan_drift(states, D, RULES)] == ["1.4", "1.3", "1.2", "1.1"]


def test_order_within_red_by_largest_overdue_or_slip_of_open_milestones():
    states = [
        _red_no_owner("1.1", 1, (milestone(baseline=day(10)),)),  # 0
        _red_no_owner("1.2", 2, (milestone(baseline=day(10), due=day(22)),)),  # slip 12
        objective(id=3, ref="1.3", milestones=(milestone(baseline=day(-5)),)),  # overdue 5
        objective(id=4, ref="1.4", milestones=(milestone(baseline=day(1), due=day(41)),)),  # 40
        # Overdue 3 and slipped 20: the larger of the two, 20.
        objective(id=5, ref="1.5", milestones=(milestone(baseline=day(-23), due=day(-3)),)),
    ]
    result = plan_drift(states, D, RULES)
    assert [d.rag for d in result] == ["red"] * 5
    assert [d.ref for d in result] == ["1.4", "1.5", "1.2", "1.3", "1.1"]


def test_order_overdue_beats_smaller_slip_within_a_colour():
    states = [
        _red_no_owner("1.1", 1, (milestone(baseline=day(10), due=day(17)),)),  # slip 7
        objective(id=2, ref="1.2", milestones=(milestone(baseline=day(-10)),)),  # overdue 10
    ]
    assert [d.ref for d in plan_drift(states, D, RULES)] == ["1.2", "1.1"]


def test_order_ignores_completed_milestones():
    # 1.1 has a milestone finished 50 days late and an open one slipped 2; 1.2 slipped 5.
    states = [
        objective(
            id=1,
            ref="1.1",
            milestones=(
                milestone(id=11, baseline=day(-60), completed_on=day(-10)),
                milestone(id=12, baseline=day(10), due=day(12)),
            ),
        ),
        objective(id=2, ref="1.2", milestones=(milestone(id=21, baseline=day(10), due=day(15)),)),
    ]
    result = plan_drift(states, D, RULES)
    assert [d.rag for d in result] == ["amber", "amber"]
    assert [d.ref for d in result] == ["1.2", "1.1"]


def test_order_ties_broken_by_ref():
    states = [
        objective(id=1, ref="3.1", milestones=(milestone(baseline=day(10), due=day(13)),)),
        objective(id=2, ref="1.1", milestones=(milestone(baseline=day(10), due=day(13)),)),
        objective(id=3, ref="2.1", milestones=(milestone(baseline=day(10), due=day(13)),)),
    ]
    assert [d.ref for d in plan_drift(states, D, RULES)] == ["1.1", "2.1", "3.1"]


def test_order_green_objectives_with_early_forecasts_count_as_zero():
    # Forecast 5 days ahead of baseline is "0 behind", same as on time: ties fall to ref.
    states = [
        objective(id=1, ref="2.1", milestones=(milestone(baseline=day(10), due=day(5)),)),
        objective(id=2, ref="1.1", milestones=(milestone(baseline=day(10)),)),
    ]
    assert [d.ref for d in plan_drift(states, D, RULES)] == ["1.1", "2.1"]


def test_order_ref_read_as_numbers():
    # Interpretation: "by ref" reads refs as a person does, so "1.2" comes before "1.10".
    states = [objective(id=i, ref=ref) for i, ref in enumerate(["1.10", "1.2", "10.1", "2.1"])]
    assert [d.ref for d in plan_drift(states, D, RULES)] == ["1.2", "1.10", "2.1", "10.1"]


def test_full_order_of_a_mixed_plan():
    states = [
        objective(id=1, ref="0.1", status="complete"),
        objective(id=2, ref="9.1"),  # green, 0
        objective(id=3, ref="1.2", milestones=(milestone(baseline=day(10), due=day(4)),)),  # green
        objective(id=4, ref="4.2", milestones=(milestone(baseline=day(10), due=day(13)),)),  # a 3
        objective(id=5, ref="4.1", milestones=(milestone(baseline=day(10), due=day(13)),)),  # a 3
        objective(id=6, ref="1.9", last_reported_on=day(-50)),  # amber, 0
        objective(id=7, ref="3.1", milestones=(milestone(baseline=day(-5)),)),  # red, 5
        _red_no_owner("2.1", 8, (milestone(baseline=day(10)),)),  # red, 0
        objective(id=9, ref="0.5", milestones=(milestone(baseline=day(1), due=day(41)),)),  # r 40
    ]
    result = plan_drift(reversed(states), D, RULES)
    assert [(d.rag, d.ref) for d in result] == [
        ("red", "0.5"),
        ("red", "3.1"),
        ("red", "2.1"),
        ("amber", "4.1"),
        ("amber", "4.2"),
        ("amber", "1.9"),
        ("green", "1.2"),
        ("green", "9.1"),
        ("complete", "0.1"),
    ]
    assert summarise(result) == {"red": 3, "amber": 3, "green": 2, "complete": 1}


def test_the_open_part_leaves_out_finished_milestones_and_keeps_the_judgement():
    finished = milestone(id=1, baseline=day(-60), due=day(-20), completed_on=day(-10))
    overdue = milestone(id=2, baseline=day(-40), due=day(-5))
    row = objective_drift(objective(milestones=(finished, overdue)), D, RULES)
    part = open_part(row)
    assert [m.id for m in part.milestones] == [2]
    assert [m.id for m in part.state.milestones] == [2]
    assert (part.rag, part.flags) == (row.rag, row.flags) and row.reasons
    assert part.reasons == ()  # put into words elsewhere, from the whole row
    assert part.worst_milestone == row.worst_milestone
    assert row.milestones_complete == 1 and part.milestones_complete == 0
    nothing_finished = objective_drift(objective(milestones=(overdue,)), D, RULES)
    assert open_part(nothing_finished).milestones == nothing_finished.milestones
    assert open_part(nothing_finished).reasons == ()
    on_time = milestone(id=3, baseline=day(10), due=day(10))
    nothing_to_leave_out = objective_drift(objective(milestones=(on_time,)), D, RULES)
    assert not nothing_to_leave_out.reasons
    assert open_part(nothing_to_leave_out) is nothing_to_leave_out
