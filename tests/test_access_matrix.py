"""Who may reach what: every URL of the project, every method it accepts, every kind of person.

The table below must name every URL pattern outside /admin/ (the first test fails when a new
one is missing), so no page can skip these checks. Refused requests must change nothing: the
history tables and the people are compared before and after.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from board import services as board_services
from impact import value_services as impact_value_services
from milestones.dependencies import milestone_dependency_add
from milestones.models import Milestone
from tests import factories
from tracking.integrity import tracked_models

User = get_user_model()
ROLES = ("visitor", "owner", "other_manager", "leader", "admin")

# Who may use each URL: public (anyone), reader (any role), editor (the objective's owner and
# administrators), admin (administrators only), api (any role; JSON 401 for visitors);
# challenger (leadership and administrators), answerer (the objective's owner), closer (the
# leader who raised the challenge, and administrators); recorder (the owner who recorded a
# measure value, in the days they may still correct it, and administrators).
# Methods are those the URL answers; any other method gets 405 (or 403 first for the refused).
TABLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "login": ("public", ("GET", "POST")),
    "logout": ("public", ("POST",)),
    "tracking:home": ("reader", ("GET",)),
    "tracking:my_objectives": ("reader", ("GET",)),
    "tracking:objective_detail": ("reader", ("GET",)),
    "objectives:objective_edit": ("editor", ("GET", "POST")),
    "objectives:progress_update_create": ("editor", ("GET", "POST")),
    "milestones:milestone_create": ("editor", ("GET", "POST")),
    "milestones:milestone_detail": ("reader", ("GET",)),
    "milestones:milestone_reschedule": ("editor", ("GET", "POST")),
    "milestones:milestone_complete": ("editor", ("GET", "POST")),
    "milestones:milestone_dependencies": ("editor", ("GET", "POST")),
    "milestones:milestone_dependency_remove": ("editor", ("GET", "POST")),
    "tracking:drift_api": ("api", ("GET",)),
    "dashboard:home": ("reader", ("GET",)),
    "dashboard:accountability": ("reader", ("GET",)),
    "dashboard:export_csv": ("reader", ("GET",)),
    "dashboard:export_xlsx": ("reader", ("GET",)),
    "planning:home": ("admin", ("GET",)),
    "planning:plan_create": ("admin", ("GET", "POST")),
    "planning:plan_detail": ("admin", ("GET",)),
    "planning:plan_edit": ("admin", ("GET", "POST")),
    "planning:plan_publish": ("admin", ("GET", "POST")),
    "planning:theme_create": ("admin", ("GET", "POST")),
    "planning:theme_edit": ("admin", ("GET", "POST")),
    "planning:objective_create": ("admin", ("GET", "POST")),
    "planning:objective_setup": ("admin", ("GET",)),
    "planning:objective_edit": ("admin", ("GET", "POST")),
    "planning:objective_owner": ("admin", ("GET", "POST")),
    "planning:milestone_create": ("admin", ("GET", "POST")),
    "planning:milestone_edit": ("admin", ("GET", "POST")),
    "planning:milestone_rebaseline": ("admin", ("GET", "POST")),
    "planning:milestone_correct_completion": ("admin", ("GET", "POST")),
    "planning:milestone_withdraw": ("admin", ("GET", "POST")),
    "planning:milestone_dependencies": ("admin", ("GET", "POST")),
    "planning:milestone_dependency_remove": ("admin", ("GET", "POST")),
    "planning:objective_withdraw": ("admin", ("GET", "POST")),
    "planning:accountability": ("admin", ("GET",)),
    "planning:bulk_reassign": ("admin", ("GET", "POST")),
    "people:home": ("admin", ("GET",)),
    "people:person_create": ("admin", ("GET", "POST")),
    "people:person_detail": ("admin", ("GET",)),
    "people:person_edit": ("admin", ("GET", "POST")),
    "people:person_password": ("admin", ("GET", "POST")),
    "people:person_leaver": ("admin", ("GET", "POST")),
    "people:person_reactivate": ("admin", ("POST",)),
    "password_reset": ("public", ("GET", "POST")),
    "password_reset_done": ("public", ("GET",)),
    "password_reset_confirm": ("public", ("GET", "POST")),
    "password_reset_complete": ("public", ("GET",)),
    "reminders:account": ("reader", ("GET", "POST")),
    "reminders:password_change": ("reader", ("GET", "POST")),
    "reminders:email_log": ("admin", ("GET",)),
    "reminders:person_invite": ("admin", ("POST",)),
    "reminders:board_remind": ("admin", ("POST",)),
    "importing:upload": ("admin", ("GET", "POST")),
    "importing:columns": ("admin", ("GET", "POST")),
    "importing:preview": ("admin", ("GET", "POST")),
    "importing:template": ("admin", ("GET",)),
    "sso:start": ("public", ("GET",)),
    "sso:callback": ("public", ("GET",)),
    "board:report": ("reader", ("GET",)),
    "board:report_pdf": ("reader", ("GET",)),
    "board:report_xlsx": ("reader", ("GET",)),
    "board:meetings": ("admin", ("GET", "POST")),
    "board:meeting_move": ("admin", ("GET", "POST")),
    "board:meeting_cancel": ("admin", ("GET", "POST")),
    "board:challenge_raise": ("challenger", ("GET", "POST")),
    "board:challenge_answer": ("answerer", ("GET", "POST")),
    "board:challenge_close": ("closer", ("GET", "POST")),
    "impact:findings": ("reader", ("GET",)),
    "board:evidence_pack": ("challenger", ("GET",)),  # leadership and administrators
    # the sample pack was asked for by the leader: theirs and administrators' only
    "board:evidence_pack_wait": ("challenger", ("GET",)),
    "board:evidence_pack_status": ("challenger", ("GET",)),  # what the wait page's script asks
    "board:evidence_pack_download": ("challenger", ("GET",)),
    "impact:manage_findings": ("admin", ("GET",)),
    "impact:finding_create": ("admin", ("GET", "POST")),
    "impact:finding_edit": ("admin", ("GET", "POST")),
    "impact:finding_links": ("admin", ("GET", "POST")),
    "impact:measure_create": ("admin", ("GET", "POST")),
    "impact:measure_edit": ("admin", ("GET", "POST")),
    "impact:measure_value_create": ("editor", ("GET", "POST")),
    "impact:measure_value_correct": ("recorder", ("GET", "POST")),
    "impact:measure_value_withdraw": ("recorder", ("GET", "POST")),
    "impact:evidence_create": ("editor", ("GET", "POST")),
    "impact:evidence_withdraw": ("editor", ("GET", "POST")),
    "impact:evidence_download": ("reader", ("GET",)),
    "calendars:feed": ("public", ("GET", "HEAD")),
    "calendars:replace": ("reader", ("POST",)),
    "service:accessibility": ("public", ("GET", "HEAD")),
    "service:privacy": ("public", ("GET", "HEAD")),
    "service:cookies": ("public", ("GET", "HEAD")),
    "service:stay_signed_in": ("reader", ("POST",)),
    "healthz": ("public", ("GET", "HEAD")),
}
# Which sample object fills the URL's <pk>.
SAMPLE_FOR = {
    "tracking:objective_detail": "objective",
    "objectives:objective_edit": "objective",
    "objectives:progress_update_create": "objective",
    "milestones:milestone_create": "objective",
    "milestones:milestone_detail": "milestone",
    "milestones:milestone_reschedule": "milestone",
    "milestones:milestone_complete": "milestone",
    "milestones:milestone_dependencies": "milestone",
    "milestones:milestone_dependency_remove": "dependency",
    "planning:plan_detail": "plan",
    "planning:plan_edit": "plan",
    "planning:plan_publish": "draft_plan",
    "planning:theme_create": "plan",
    "planning:theme_edit": "theme",
    "planning:objective_create": "plan",
    "planning:objective_setup": "objective",
    "planning:objective_edit": "objective",
    "planning:objective_owner": "objective",
    "planning:milestone_create": "objective",
    "planning:milestone_edit": "milestone",
    "planning:milestone_rebaseline": "milestone",
    "planning:milestone_correct_completion": "milestone",
    "planning:milestone_withdraw": "milestone",
    "planning:milestone_dependencies": "milestone",
    "planning:milestone_dependency_remove": "dependency",
    "planning:objective_withdraw": "objective",
    "people:person_detail": "person",
    "people:person_edit": "person",
    "people:person_password": "person",
    "people:person_leaver": "person",
    "people:person_reactivate": "person",
    "reminders:person_invite": "person",
    "reminders:board_remind": "plan",
    "board:meetings": "plan",
    "board:meeting_move": "meeting",
    "board:meeting_cancel": "meeting",
    "board:challenge_raise": "objective",
    "board:challenge_answer": "challenge",
    "board:challenge_close": "challenge",
    "impact:manage_findings": "plan",
    "impact:finding_create": "plan",
    "impact:finding_edit": "finding",
    "impact:finding_links": "finding",
    "impact:measure_create": "objective",
    "impact:measure_edit": "measure",
    "impact:measure_value_create": "measure",
    "impact:measure_value_correct": "value",
    "impact:measure_value_withdraw": "value",
    "impact:evidence_create": "objective",
    "impact:evidence_withdraw": "evidence",
    "impact:evidence_download": "evidence",
    "board:evidence_pack_wait": "evidence_pack",
    "board:evidence_pack_status": "evidence_pack",
    "board:evidence_pack_download": "evidence_pack",
}
# URLs whose arguments are not one sample's pk.
FIXED_ARGS = {
    "password_reset_confirm": ["MQ", "set-password"],
    "calendars:feed": ["A" * 43],  # a well-formed token nobody has: 404 for everyone
}


def _project_url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            yield from _project_url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_of_the_project_is_in_the_access_table():
    names = set(_project_url_names())
    assert None not in names, "every URL pattern needs a name"
    assert names == set(TABLE), (
        f"missing from TABLE: {sorted(names - set(TABLE))}; "
        f"no longer exist: {sorted(set(TABLE) - names)}"
    )


@pytest.fixture
def world(db):
    admin = factories.make_admin("matrix_admin", is_staff=True)
    owner = factories.make_manager("matrix_owner")
    other = factories.make_manager("matrix_other")
    leader = factories.make_leader("matrix_leader")
    person = factories.make_manager("matrix_person")
    plan = factories.make_plan(user=admin)
    theme = factories.make_theme(plan, user=admin)
    objective = factories.make_objective(plan, user=admin, owner=owner, theme=theme)
    milestone = factories.make_milestone(objective, user=admin, due_date=date(2027, 1, 29))
    waited_for = factories.make_milestone(objective, user=admin, due_date=date(2027, 2, 26))
    dependency = milestone_dependency_add(
        user=admin, milestone=milestone, depends_on=waited_for, reason="Needs it first"
    )
    factories.publish_plan(plan, user=admin)
    challenge = board_services.challenge_raise(user=leader, objective=objective, question="Why?")
    impact = factories.make_impact_samples(objective, admin=admin)
    value = impact_value_services.measure_value_create(
        user=owner, measure=impact["measure"], period_end=plan.starts_on, value=Decimal("51")
    )
    return {
        "users": {
            "visitor": None,
            "owner": owner,
            "other_manager": other,
            "leader": leader,
            "admin": admin,
        },
        "samples": {
            "plan": plan,
            "theme": theme,
            "objective": objective,
            "milestone": milestone,
            "dependency": dependency,
            "person": person,
            "draft_plan": factories.make_plan(user=admin, published=False),
            "challenge": challenge,
            "meeting": board_services.board_meeting_create(
                user=admin, plan=plan, held_on=plan.starts_on, name="Improvement board"
            ),
            "value": value,
            "evidence_pack": board_services.evidence_pack_request(
                user=leader, plan=plan, as_of=plan.starts_on, base_url="http://testserver/"
            ),
            **impact,
        },
    }


def _state() -> tuple:
    """Everything a refused request must leave alone."""
    history = tuple(model.history.count() for model in tracked_models())
    people = tuple(User.objects.order_by("pk").values_list("pk", "is_active", "password"))
    groups = tuple(User.groups.through.objects.order_by("pk").values_list("user_id", "group_id"))
    return history, people, groups


def _allowed(access: str, role: str) -> bool:
    return {
        "public": True,
        "reader": role != "visitor",
        "api": role != "visitor",
        "editor": role in ("owner", "admin"),
        "admin": role == "admin",
        "challenger": role in ("leader", "admin"),  # leadership and administrators
        "answerer": role == "owner",  # the objective's owner
        "closer": role in ("leader", "admin"),  # the one who raised it (leader), or an admin
        "recorder": role in ("owner", "admin"),  # the owner recorded the sample value today
    }[access]


CASES = [
    (name, method, role)
    for name, (_, methods) in TABLE.items()
    for method in sorted({*methods, "GET", "POST"})
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_access(client, world, name, method, role):
    access, methods = TABLE[name]
    sample = SAMPLE_FOR.get(name)
    url = reverse(name, args=FIXED_ARGS.get(name, [world["samples"][sample].pk] if sample else []))
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    before = _state()
    response = client.generic(method, url, "" if method == "GET" else "")
    status = response.status_code
    assert status < 500, f"{method} {url} as {role}: {status}"

    if access == "public":
        assert status != 403
        return
    if role == "visitor":
        if method not in methods:
            assert status in (302, 401, 405)
        elif access == "api":
            assert status == 401
        else:
            assert status == 302 and response.url.startswith("/accounts/login/")
        assert _state() == before
        return
    if method not in methods:
        assert status in (403, 405)
        assert _state() == before
        return
    if _allowed(access, role):
        assert status not in (403, 404), f"{method} {url} as {role}: {status}"
    else:
        assert status == 403, f"{method} {url} as {role}: expected 403, got {status}"
        assert _state() == before, f"{method} {url} as {role} changed something"


EDITOR_URLS = [name for name, (access, _) in TABLE.items() if access == "editor"]


@pytest.mark.parametrize("name", EDITOR_URLS)
def test_the_named_owner_has_the_owners_rights_whatever_their_group(client, world, name):
    """The named owner has the owner's rights on it whatever their group."""
    from objectives import services as objective_services

    leader, admin = world["users"]["leader"], world["users"]["admin"]
    objective = objective_services.objective_assign_owner(
        objective=world["samples"]["objective"], user=admin, owner=leader, reason="Handed over"
    )
    sample = world["samples"][SAMPLE_FOR[name]]
    client.force_login(leader)
    assert client.get(reverse(name, args=[sample.pk])).status_code == 200
    client.force_login(world["users"]["owner"])  # the previous owner, a manager, no longer
    assert client.get(reverse(name, args=[sample.pk])).status_code == 403
    assert objective.owner == leader


@pytest.mark.parametrize("role", ["owner", "other_manager", "leader"])
def test_owner_and_baseline_cannot_be_changed_through_the_owners_forms(client, world, role):
    """Field-level rights: extra owner/baseline fields in a form are ignored or refused."""
    objective = world["samples"]["objective"]
    milestone = world["samples"]["milestone"]
    client.force_login(world["users"][role])
    before = _state()
    intruder = world["users"]["other_manager"]
    client.post(
        reverse("objectives:objective_edit", args=[objective.pk]),
        {"owner": intruder.pk, "description": "x", "status": "in_progress", "version": 1},
    )
    client.post(
        reverse("milestones:milestone_reschedule", args=[milestone.pk]),
        {"baseline_date_day": 1, "baseline_date_month": 1, "baseline_date_year": 2020},
    )
    client.post(
        reverse("planning:objective_owner", args=[objective.pk]),
        {"owner": intruder.pk, "reason": "taking it"},
    )
    client.post(
        reverse("planning:milestone_rebaseline", args=[milestone.pk]),
        {"baseline_date_day": 1, "baseline_date_month": 1, "baseline_date_year": 2031},
    )
    objective.refresh_from_db()
    milestone = Milestone.objects.get(pk=milestone.pk)
    assert objective.owner == world["users"]["owner"]
    assert milestone.baseline_date == date(2027, 1, 29)
    if role != "owner":
        assert _state() == before


ADMIN_VIEWS = ["changelist", "add", "change", "history", "delete"]


@pytest.mark.parametrize("role", ["visitor", "owner", "leader", "admin"])
@pytest.mark.parametrize(
    "model",
    [
        "objectives.plan",
        "objectives.theme",
        "objectives.objective",
        "objectives.progressupdate",
        "milestones.milestone",
    ],
)
def test_django_admin_is_read_only_and_for_administrators(client, world, role, model):
    app_label, model_name = model.split(".")
    objective = world["samples"]["objective"]
    pk = {
        "plan": objective.plan_id,
        "theme": objective.theme_id,
        "objective": objective.pk,
        "milestone": world["samples"]["milestone"].pk,
        "progressupdate": factories.make_update(
            objective, user=world["users"]["owner"], reported_on=date(2025, 1, 2)
        ).pk,
    }[model_name]
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    before = _state()
    for view in ADMIN_VIEWS:
        args = [] if view in ("changelist", "add") else [pk]
        url = reverse(f"admin:{app_label}_{model_name}_{view}", args=args)
        for method in ("GET", "POST"):
            response = client.generic(method, url)
            status = response.status_code
            assert status < 500
            if role != "admin":
                assert status == 302, (method, url, status)
                assert "/login/" in response.url
            elif view in ("add", "delete") or method == "POST":
                assert status in (403, 405), (method, url, status)
            else:
                assert status == 200, (method, url, status)
    history_id = apps.get_model(app_label, model_name).history.filter(id=pk).first().history_id
    record_url = reverse(f"admin:{app_label}_{model_name}_simple_history", args=[pk, history_id])
    for method in ("GET", "POST"):
        status = client.generic(method, record_url).status_code
        if role != "admin":
            assert status == 302
        else:
            assert status == (200 if method == "GET" else 403), (method, record_url, status)
    assert _state() == before
