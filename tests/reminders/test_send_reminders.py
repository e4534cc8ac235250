"""send_reminders rule by rule, on the frozen clock, with Django's in-memory outbox."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from reminders import services
from reminders.models import SentEmail
from tests import factories

from .conftest import T

SITE = "https://improve.example.org"
# A real SMTP connection to a port nothing listens on.
UNREACHABLE_SMTP = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 9,
    "EMAIL_TIMEOUT": 2,
}
pytestmark = pytest.mark.usefixtures("site_url")


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE


def run(clock, *args, day=T):
    with clock(day, hour=7):
        out = []

        class Out:
            def write(self, text):
                out.append(text)

            def flush(self):
                pass

        call_command("send_reminders", "--date", day.isoformat(), *args, stdout=Out())
    return "".join(out)


def sent_to(username):
    return [m for m in mail.outbox if m.to == [f"{username}@example.org"]]


def only(username):
    messages = sent_to(username)
    assert len(messages) == 1, [m.subject for m in messages]
    return messages[0]


def html(message):
    (body, kind), *_ = message.alternatives
    assert kind == "text/html"
    return body


def test_the_owner_gets_overdue_due_soon_and_update_due_in_one_email(morning, clock):
    run(clock)
    email = only("mo")
    assert (
        email.subject == "Improvement plan: 1 milestone overdue, 1 due soon, 1 progress update due"
    )
    text = email.body
    objective_11 = morning.objectives["1.1"]
    assert "1.1 Objective 1.1" in text
    assert "Milestone: Recruit ten social workers" in text
    assert "Was due 25 February 2026 (5 days ago)" in text
    assert "Milestone: Open the academy" in text and "Due 10 March 2026 (in 8 days)" in text
    assert "1.2 Objective 1.2" in text and "No update since it started (60 days ago)" in text
    assert f"{SITE}/objectives/{objective_11.pk}/" in text
    assert f"{SITE}/account/" in text  # where to change it
    assert "because you own these objectives" in text
    # Nothing withdrawn, complete, far off, in a draft plan, or already reported on.
    for absent in (
        "Dropped idea",
        "Agree the budget",
        "First cohort qualifies",
        "Draft milestone",
        "Objective 4.1",
        "Objective 9.1",
    ):
        assert absent not in text
    page = html(email)
    assert f'href="{SITE}/objectives/{objective_11.pk}/"' in page
    assert "Recruit ten social workers" in page and "25 February 2026" in page


def test_an_update_is_due_from_stale_after_days_less_seven(morning, clock):
    run(clock)
    email = only("nat")
    assert email.subject == "Improvement plan: 1 progress update due"
    assert "Objective 2.1" in email.body  # last update 35 days ago
    assert "Objective 2.2" not in email.body  # 34 days ago: not yet
    assert "Last update 26 January 2026 (35 days ago)" in email.body


def test_nothing_for_leavers_people_without_email_or_with_nothing_to_say(morning, clock):
    output = run(clock)
    assert sent_to("lou") == []
    assert not any(m.to == [""] for m in mail.outbox)
    assert all(m.to != ["nomail@example.org"] for m in mail.outbox)
    assert "Noel Mail" not in output
    # Owners mo and nat get reminders; the leader and the administrator their Monday digests.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ada@example.org",
        "lee@example.org",
        "mo@example.org",
        "nat@example.org",
    ]


def test_a_draft_plan_sends_nothing_until_published(morning, clock):
    from .conftest import publish

    run(clock)
    assert "Draft milestone" not in only("mo").body
    mail.outbox.clear()
    with clock(date(2026, 3, 3), hour=6):
        publish(morning.draft, user=morning.admin, on=date(2026, 3, 3))
    run(clock, day=date(2026, 3, 3))
    assert "Draft milestone" in only("mo").body


def test_someone_who_turned_the_reminder_off_gets_none(morning, clock):
    with clock(T, hour=6):
        services.preference_update(
            user=morning.mo, person=morning.mo, daily_reminder=False, weekly_digest=True
        )
    run(clock)
    assert sent_to("mo") == []
    assert len(sent_to("nat")) == 1


def test_the_digest_goes_on_mondays_or_when_asked(morning, clock):
    tuesday = date(2026, 3, 3)
    run(clock, day=tuesday)
    assert sent_to("lee") == [] and sent_to("ada") == []
    run(clock, "--digest", day=tuesday)
    assert len(sent_to("lee")) == 1 and len(sent_to("ada")) == 1
    mail.outbox.clear()
    run(clock)  # Monday
    assert len(sent_to("lee")) == 1 and len(sent_to("ada")) == 1


def test_the_leadership_digest_has_the_week(morning, clock):
    run(clock)
    email = only("lee")
    assert email.subject == (
        "Improvement plan: week to 2 March: 2 objectives turned red, 1 milestone moved later, "
        "1 completion"
    )
    text = email.body
    assert "Objectives that turned red this week: 2" in text
    assert "- 1.1 Objective 1.1: " in text and "- 2.1 Objective 2.1: " in text
    assert "Objective 3.1:" not in text.split("Milestones moved later")[0]  # red for weeks
    assert "Milestone: Case recording system live, moved later by 59 days to 29 May 2026" in text
    assert "by Nat Patel" in text and "Reason: Supplier delay" in text
    assert "2.2 Objective 2.2: Audit finished (milestone complete on 27 February 2026)" in text
    assert "Red: " in text and "(a week ago " in text
    assert "Leadership group" in text
    assert "Supplier delay" in html(email)


def test_the_administrators_digest_names_objectives_without_an_active_owner(morning, clock):
    run(clock)
    email = only("ada")
    assert email.subject == (
        "Improvement plan: 1 objective with no owner, 1 owned by someone who has left"
    )
    assert "3.3 Objective 3.3" in email.body
    assert "3.1 Objective 3.1" in email.body and "owner: Lou Leaver" in email.body
    assert "Objective 3.2" not in email.body and "Objective 4.1" not in email.body


def test_dry_run_prints_who_would_get_what_and_sends_nothing(morning, clock):
    output = run(clock, "--dry-run")
    assert mail.outbox == []
    assert SentEmail.objects.count() == 0
    assert (
        "would send: Daily reminder to Mo Khan <mo@example.org>: Improvement plan: "
        "1 milestone overdue, 1 due soon, 1 progress update due"
    ) in output
    assert "overdue: 1.1 Objective 1.1: Recruit ten social workers, due 2026-02-25" in output
    assert "Weekly digest for Leadership to Lee Leader" in output
    assert "4 would be sent, 0 already sent, 0 failed." in output


def test_twice_the_same_day_sends_nothing_more_and_the_next_day_sends_again(morning, clock):
    run(clock)
    first = len(mail.outbox)
    assert first == 4
    output = run(clock)
    assert len(mail.outbox) == first
    assert "0 sent, 4 already sent, 0 failed." in output
    assert "already sent: Daily reminder to Mo Khan" in run(clock, "--dry-run")
    run(clock, day=date(2026, 3, 3))
    assert len(mail.outbox) == first + 2  # mo and nat again; no digest on Tuesday
    rows = SentEmail.objects.filter(person=morning.mo).order_by("day")
    assert [(r.kind, r.day, r.status) for r in rows] == [
        ("reminder", T, "sent"),
        ("reminder", date(2026, 3, 3), "sent"),
    ]


def test_a_failure_is_recorded_and_retried_on_the_next_run(morning, clock):
    with (
        override_settings(**UNREACHABLE_SMTP),
        pytest.raises(CommandError, match="will be retried on the next run"),
    ):
        run(clock)
    failed = SentEmail.objects.get(person=morning.mo, kind="reminder", day=T)
    assert failed.status == "failed"
    assert "Error" in failed.error or "refused" in failed.error.lower()
    assert failed.sent_at is None
    assert mail.outbox == []

    output = run(clock)
    assert "4 sent, 0 already sent, 0 failed." in output
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == ("sent", 2, "")
    assert len(sent_to("mo")) == 1
    run(clock)
    assert len(sent_to("mo")) == 1


def test_a_failed_monday_digest_is_retried_on_tuesday(morning, clock):
    with override_settings(**UNREACHABLE_SMTP), pytest.raises(CommandError):
        run(clock)
    output = run(clock, day=date(2026, 3, 3))
    assert "(retrying the email for 2026-03-02)" in output
    email = only("lee")
    assert email.subject.startswith("Improvement plan: week to 2 March:")
    assert SentEmail.objects.get(person=morning.leader).status == "sent"


def test_a_bad_date_is_refused_plainly(db):
    with pytest.raises(CommandError, match="not a real date"):
        call_command("send_reminders", "--date", "2026-02-30")


def test_people_in_no_published_plan_get_nothing(db, clock):
    admin = factories.make_admin("solo_admin")
    with clock(T):
        plan = factories.make_plan(user=admin, published=False)
        factories.make_objective(plan, user=admin, owner=admin)
    output = run(clock)
    assert mail.outbox == []
    assert "Nobody has anything to be told today." in output


def test_due_soon_runs_from_today_to_due_soon_days_ahead(db, clock):
    with clock(date(2026, 1, 5)):
        admin = factories.make_admin("boundary_admin")
        owner = factories.make_manager("edge", first_name="Edge", last_name="Case")
        plan = factories.make_plan(user=admin, due_soon_days=10, published=False)
        from .conftest import publish

        publish(plan, user=admin, on=date(2026, 1, 5))
        objective = factories.make_objective(
            plan, user=admin, owner=owner, starts_on=date(2026, 3, 1)
        )
        for name, due in [
            ("Due yesterday", date(2026, 3, 1)),
            ("Due today", T),
            ("Due on the last day", date(2026, 3, 12)),
            ("Due the day after", date(2026, 3, 13)),
        ]:
            factories.make_milestone(objective, user=admin, title=name, due_date=due)
    run(clock)
    email = only("edge")
    assert email.subject == "Improvement plan: 1 milestone overdue, 2 due soon"
    assert "Milestone: Due yesterday\n  Was due 1 March 2026 (1 day ago)" in email.body
    assert "Milestone: Due today\n  Due 2 March 2026 (today)" in email.body
    assert "Milestone: Due on the last day\n  Due 12 March 2026 (in 10 days)" in email.body
    assert "Due the day after" not in email.body
    assert "Progress updates due" not in email.body  # started yesterday


def test_a_second_plan_with_nothing_to_say_leaves_its_sections_out(morning, clock):
    with clock(date(2026, 1, 5)):
        quiet = factories.make_plan(user=morning.admin, name="Quiet plan")
        factories.make_objective(
            quiet,
            user=morning.admin,
            ref="Q1",
            owner=morning.nat,
            starts_on=date(2026, 1, 1),
            target_date=date(2026, 12, 31),
        )
        factories.make_plan(user=morning.admin, name="Empty plan")
    run(clock)
    email = only("lee")
    text = email.body
    quiet_part = text.split("Quiet plan")[1]
    assert "Nothing turned red, moved later or was completed this week." in quiet_part
    for empty_heading in ("this week: 0", "Milestones moved later this week"):
        assert empty_heading not in quiet_part
    assert text.count("Objectives that turned red this week:") == 1  # the first plan's
    assert "Empty plan" not in text and "Empty plan" not in email.alternatives[0][0]
    html = email.alternatives[0][0]
    assert html.count("Nothing turned red, moved later or was completed this week.") == 1
