"""Why an objective is red or amber, in sentences a director can read aloud."""

from datetime import date

from . import drift
from .formatting import long_date, plural


def explain_drift(row: drift.ObjectiveDrift, rules: drift.PlanRules, as_of: date) -> list[dict]:
    """Why the objective is red or amber, in sentences, red reasons first."""
    reasons: list[tuple[str, str]] = []
    state = row.state
    flags = set(row.flags)
    open_ = row.open_milestones
    tolerance = rules.slip_tolerance_days
    if "no_owner" in flags:
        reasons.append(("red", "No named owner is accountable for this objective."))
    if "owner_inactive" in flags:
        reasons.append(("red", f"{state.owner_name} has left and still owns this objective."))
    if "past_target" in flags:
        days = (as_of - state.target_date).days
        reasons.append(
            (
                "red",
                f"The objective passed its target date of {long_date(state.target_date)} "
                f"{plural(days, 'day')} ago and is not complete.",
            )
        )
    for m in open_:
        if m.overdue_days > 0:
            reasons.append(
                (
                    "red",
                    f"\u2018{m.title}\u2019 is {plural(m.overdue_days, 'day')} overdue "
                    f"(forecast for {long_date(m.due_date)}).",
                )
            )
    for m in open_:
        if m.slip_days > tolerance:
            reasons.append(
                (
                    "red",
                    f"\u2018{m.title}\u2019 has slipped {plural(m.slip_days, 'day')} against its "
                    f"baseline of {long_date(m.baseline_date)}, beyond the plan\u2019s tolerance "
                    f"of {plural(tolerance, 'day')}.",
                )
            )
    for m in open_:
        if m.replans >= drift.REPLAN_LIMIT:
            reasons.append(("red", f"\u2018{m.title}\u2019 has been re-planned {m.replans} times."))
    for m in open_:
        if m.due_date > state.target_date:
            reasons.append(
                (
                    "red",
                    f"\u2018{m.title}\u2019 is forecast for {long_date(m.due_date)}, after the "
                    f"objective\u2019s target date of {long_date(state.target_date)}.",
                )
            )
    for m in open_:
        if 1 <= m.slip_days <= tolerance:
            reasons.append(
                (
                    "amber",
                    f"\u2018{m.title}\u2019 has slipped {plural(m.slip_days, 'day')} against its "
                    f"baseline of {long_date(m.baseline_date)}.",
                )
            )
    if "no_milestones" in flags:
        reasons.append(
            ("amber", "The objective has no milestones, so there is no point to check progress.")
        )
    if "stale" in flags:
        if state.last_reported_on:
            since = f"No progress update since {long_date(state.last_reported_on)}"
        else:
            since = (
                f"No progress update since the objective started on {long_date(state.starts_on)}"
            )
        reasons.append(("amber", f"{since} (more than {plural(rules.stale_after_days, 'day')})."))
    return [{"rag": rag, "text": text} for rag, text in reasons]
