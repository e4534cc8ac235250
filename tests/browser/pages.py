"""Every page each role reaches, built from the data in the database (the demo plan in the tests).

``pages_for(user)`` lists the GET pages a person can open from the navigation and the pages they
lead to: their landing page, worklist, dashboard, objective pages and the forms they may use.
New pages belong here too, so the layout and accessibility checks cover them.
"""

from __future__ import annotations

from django.urls import reverse

from milestones.models import Milestone
from objectives import permissions
from objectives.models import Objective, Plan


def _objective_pages(objective: Objective, *, can_edit: bool) -> list[str]:
    urls = [reverse("tracking:objective_detail", args=[objective.pk])]
    if can_edit:
        urls += [
            reverse("objectives:objective_edit", args=[objective.pk]),
            reverse("objectives:progress_update_create", args=[objective.pk]),
            reverse("milestones:milestone_create", args=[objective.pk]),
        ]
        milestone = (
            Milestone.objects.filter(objective=objective, completed_on__isnull=True)
            .order_by("due_date", "pk")
            .first()
        )
        if milestone is not None:
            urls += [
                reverse("milestones:milestone_reschedule", args=[milestone.pk]),
                reverse("milestones:milestone_complete", args=[milestone.pk]),
            ]
    return urls


def _busiest_objective(queryset):
    """The objective with the most milestones: the longest page."""
    from django.db.models import Count

    return queryset.annotate(n=Count("milestones")).order_by("-n", "pk").first()


def pages_for(user) -> list[str]:
    urls = ["/", reverse("tracking:my_objectives"), reverse("dashboard:home")]
    urls.append(reverse("dashboard:accountability"))
    owned = Objective.objects.filter(owner=user).order_by("ref", "pk")
    for objective in owned[:2]:
        urls += _objective_pages(objective, can_edit=True)
    busiest = _busiest_objective(Objective.objects.all())
    if busiest is not None:
        urls += _objective_pages(busiest, can_edit=permissions.can_edit_objective(user, busiest))
    urls += _board_and_impact_pages(user, owned)
    if permissions.is_administrator(user):
        urls += _administrator_pages()
    seen: set[str] = set()
    return [url for url in urls if not (url in seen or seen.add(url))]


def anonymous_pages() -> list[str]:
    """The pages before signing in: sign in, every step of resetting a password, and the
    accessibility statement, privacy notice and cookies page."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    urls = [
        reverse("login"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_complete"),
        reverse("service:accessibility"),
        reverse("service:privacy"),
        reverse("service:cookies"),
    ]
    person = get_user_model().objects.filter(is_active=True).order_by("pk").first()
    if person is not None:
        uid = urlsafe_base64_encode(force_bytes(person.pk))
        token = default_token_generator.make_token(person)
        # Django moves the token into the session and redirects to the set-password form.
        urls.append(reverse("password_reset_confirm", args=[uid, token]))
    return urls


def _board_and_impact_pages(user, owned) -> list[str]:
    """Account, board pack, findings, and the challenge, value and evidence forms a role uses."""
    from board import services as board_services
    from board.models import Challenge
    from impact.models import Evidence, Measure

    urls = [reverse("reminders:account"), reverse("reminders:password_change")]
    urls.append(reverse("board:report"))
    plan = Plan.objects.filter(published_on__isnull=False).order_by("pk").first()
    if plan is not None:  # as the dashboard and objective pages link to it
        urls.append(f"{reverse('impact:findings')}?plan={plan.pk}")
    busiest = _busiest_objective(Objective.objects.all())
    if busiest is not None and board_services.can_raise_challenge(user):
        urls.append(reverse("board:challenge_raise", args=[busiest.pk]))
    for challenge in Challenge.objects.not_closed().order_by("pk"):
        if board_services.can_answer_challenge(user, challenge):
            urls.append(reverse("board:challenge_answer", args=[challenge.pk]))
            break
    for challenge in Challenge.objects.not_closed().order_by("pk"):
        if board_services.can_close_challenge(user, challenge):
            urls.append(reverse("board:challenge_close", args=[challenge.pk]))
            break
    candidates = Objective.objects.order_by("ref", "pk")[:50]
    editable = [o for o in candidates if permissions.can_edit_objective(user, o)]
    if editable:
        objective = owned.first() or editable[0]
        urls.append(reverse("impact:evidence_create", args=[objective.pk]))
        measure = Measure.objects.filter(objective__in=editable).order_by("pk").first()
        if measure is not None:
            urls.append(reverse("impact:measure_value_create", args=[measure.pk]))
        evidence = (
            Evidence.objects.filter(objective__in=editable, withdrawn_on__isnull=True)
            .order_by("pk")
            .first()
        )
        if evidence is not None:
            urls.append(reverse("impact:evidence_withdraw", args=[evidence.pk]))
    return urls


def _administrator_pages() -> list[str]:
    from django.contrib.auth import get_user_model

    from impact.models import Finding, Measure

    urls = [reverse("planning:home"), reverse("planning:plan_create")]
    plan = Plan.objects.order_by("pk").first()
    if plan is not None:
        urls += [
            reverse("planning:plan_detail", args=[plan.pk]),
            reverse("planning:plan_edit", args=[plan.pk]),
            reverse("planning:theme_create", args=[plan.pk]),
            reverse("planning:objective_create", args=[plan.pk]),
            reverse("board:meetings", args=[plan.pk]),
            reverse("impact:manage_findings", args=[plan.pk]),
            reverse("impact:finding_create", args=[plan.pk]),
        ]
        theme = plan.themes.order_by("pk").first()
        if theme is not None:
            urls.append(reverse("planning:theme_edit", args=[theme.pk]))
    objective = _busiest_objective(Objective.objects.all())
    if objective is not None:
        urls += [
            reverse("planning:objective_setup", args=[objective.pk]),
            reverse("planning:objective_edit", args=[objective.pk]),
            reverse("planning:objective_owner", args=[objective.pk]),
            reverse("planning:milestone_create", args=[objective.pk]),
            reverse("planning:objective_withdraw", args=[objective.pk]),
            reverse("impact:measure_create", args=[objective.pk]),
        ]
        milestone = objective.milestones.order_by("due_date", "pk").first()
        if milestone is not None:
            urls += [
                reverse("planning:milestone_edit", args=[milestone.pk]),
                reverse("planning:milestone_rebaseline", args=[milestone.pk]),
                reverse("planning:milestone_withdraw", args=[milestone.pk]),
            ]
    completed = Milestone.objects.filter(completed_on__isnull=False).order_by("pk").first()
    if completed is not None:
        urls.append(reverse("planning:milestone_correct_completion", args=[completed.pk]))
    draft = Plan.objects.filter(published_on__isnull=True).order_by("pk").first()
    if draft is not None:
        urls.append(reverse("planning:plan_publish", args=[draft.pk]))
    finding = Finding.objects.order_by("pk").first()
    if finding is not None:
        urls += [
            reverse("impact:finding_edit", args=[finding.pk]),
            reverse("impact:finding_links", args=[finding.pk]),
        ]
    measure = Measure.objects.order_by("pk").first()
    if measure is not None:
        urls.append(reverse("impact:measure_edit", args=[measure.pk]))
    urls += [
        reverse("planning:accountability"),
        reverse("planning:bulk_reassign"),
        reverse("people:home"),
        reverse("people:person_create"),
        reverse("reminders:email_log"),
        reverse("importing:upload"),
    ]
    person = get_user_model().objects.filter(owned_objectives__isnull=False).first()
    if person is None:
        person = get_user_model().objects.order_by("pk").first()
    urls += [
        reverse("people:person_detail", args=[person.pk]),
        reverse("people:person_edit", args=[person.pk]),
        reverse("people:person_password", args=[person.pk]),
        reverse("people:person_leaver", args=[person.pk]),
    ]
    return urls
