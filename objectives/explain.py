"""Why an objective is red or amber, in sentences a director can read aloud.

The reasons themselves come from ``objectives.drift`` (``ObjectiveDrift.reasons``); this module
only words them.
"""

from datetime import date

from kit.formatting import long_date, plural

from . import drift


def _stale(state, rules) -> str:
    if state.last_reported_on:
        since = f"No progress update since {long_date(state.last_reported_on)}"
    else:
        since = f"No progress update since the objective started on {long_date(state.starts_on)}"
    return f"{since} (more than {plural(rules.stale_after_days, 'day')})."


def waiting_for(milestone: drift.MilestoneDrift) -> str:
    """What an open milestone waits for, beside it: "Waiting for 2.3 ‘Recruit staff’,
    due 3 May 2027, 12 days after this milestone"; "" when nothing holds it back."""
    p = milestone.waiting_for
    if p is None or milestone.knock_on_days <= 0:
        return ""
    return (
        f"Waiting for {p.ref} ‘{p.title}’, due {long_date(p.due_date)}, "
        f"{plural(milestone.knock_on_days, 'day')} after this milestone"
    )


WORDS = {
    "no_owner": lambda r, state, rules, as_of: "No named owner is accountable for this objective.",
    "owner_inactive": lambda r, state, rules, as_of: (
        f"{state.owner_name} has left and still owns this objective."
    ),
    "past_target": lambda r, state, rules, as_of: (
        f"The objective passed its target date of {long_date(state.target_date)} "
        f"{plural((as_of - state.target_date).days, 'day')} ago and is not complete."
    ),
    "overdue_milestone": lambda r, state, rules, as_of: (
        f"\u2018{r.milestone.title}\u2019 is {plural(r.milestone.overdue_days, 'day')} overdue "
        f"(forecast for {long_date(r.milestone.due_date)})."
    ),
    "slipped_beyond_tolerance": lambda r, state, rules, as_of: (
        f"\u2018{r.milestone.title}\u2019 has slipped {plural(r.milestone.slip_days, 'day')} "
        f"against its baseline of {long_date(r.milestone.baseline_date)}, beyond the "
        f"plan\u2019s tolerance of {plural(rules.slip_tolerance_days, 'day')}."
    ),
    "repeatedly_replanned": lambda r, state, rules, as_of: (
        f"\u2018{r.milestone.title}\u2019 has been re-planned {r.milestone.replans} times."
    ),
    "milestone_after_target": lambda r, state, rules, as_of: (
        f"\u2018{r.milestone.title}\u2019 is forecast for {long_date(r.milestone.due_date)}, "
        f"after the objective\u2019s target date of {long_date(state.target_date)}."
    ),
    "slipped": lambda r, state, rules, as_of: (
        f"\u2018{r.milestone.title}\u2019 has slipped {plural(r.milestone.slip_days, 'day')} "
        f"against its baseline of {long_date(r.milestone.baseline_date)}."
    ),
    "no_milestones": lambda r, state, rules, as_of: (
        "The objective has no milestones, so there is no point to check progress."
    ),
    "stale": lambda r, state, rules, as_of: _stale(state, rules),
    "knock_on": lambda r, state, rules, as_of: (
        f"‘{r.milestone.title}’ (due {long_date(r.milestone.due_date)}): "
        f"{waiting_for(r.milestone)}."
    ),
}


def explain_drift(row: drift.ObjectiveDrift, rules: drift.PlanRules, as_of: date) -> list[dict]:
    """Why the objective is red or amber, in sentences, red reasons first."""
    return [
        {"rag": reason.rag, "text": WORDS[reason.flag](reason, row.state, rules, as_of)}
        for reason in row.reasons
    ]
