"""The import steps that need a workbook in hand: matching the columns and the preview.

They are reached only by uploading, so ``pages.py`` cannot list them; here an administrator
uploads workbooks as the demo plan's tracker would be, and each step must fit a phone and pass
axe-core, like every other page.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from objectives.models import Plan
from tests import factories
from tests.importing import workbooks as wb

from .test_layout import WIDTHS, _sideways
from .test_phone_reading import BROKEN_WORDS_JS

pytestmark = pytest.mark.browser


def _upload(page, plan, data: bytes, file_name: str) -> None:
    page.goto(reverse("importing:upload"))
    page.get_by_label("Upload the workbook").set_input_files(
        {
            "name": file_name,
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": data,
        }
    )
    page.get_by_label("Plan to import into").select_option(str(plan.pk))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state("load")


def _check_at_each_width(page, assert_accessible, problems: list[str]) -> None:
    url = page.url
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(url)
        extra = _sideways(page)
        if extra > 0:
            problems.append(f"{url} at {width} px is {extra} px wider than the screen")
        broken = page.evaluate(BROKEN_WORDS_JS)
        if broken:
            problems.append(f"{url} at {width} px breaks words in a table: {broken}")
        try:
            assert_accessible(page)
        except AssertionError as error:
            problems.append(f"at {width} px: {error}")


def test_the_column_and_preview_steps_fit_a_phone_and_are_accessible(
    page, login, assert_accessible, monkeypatch
):
    monkeypatch.setenv("DEMO_PASSWORD", factories.PASSWORD)
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    admin = get_user_model().objects.get(username="admin")
    plan = Plan.objects.order_by("pk").first()
    login(page, admin)
    page.set_viewport_size({"width": 1280, "height": 800})
    problems: list[str] = []

    headings = ["Item", "Priority", "Objective", "Notes", "Source", "Lead", "Start", "Deadline"]
    data = wb.build(
        [wb.objective("1.1")],
        [wb.milestone("1.1", "Recruit")],
        objective_headings=headings,
        milestone_headings=["Objective", "Milestone", "Agreed date", "Forecast", "Done"],
    )
    _upload(page, plan, data, "Tracker with its own headings.xlsx")
    assert page.url.endswith(reverse("importing:columns")), page.url
    _check_at_each_width(page, assert_accessible, problems)

    long_word = "Recruitment" * 20
    data = wb.build(
        [
            wb.objective("1.1", title="Recruit and keep permanent social workers, updated"),
            wb.objective("9.1", title=long_word, owner_email="nobody@example.org"),
            wb.objective("9.2", title="A new objective", target_date="not a date"),
        ],
        [wb.milestone("9.1", long_word), wb.milestone("9.9", "For no objective")],
    )
    _upload(page, plan, data, f"{long_word}.xlsx")
    assert page.url.endswith(reverse("importing:preview")), page.url
    _check_at_each_width(page, assert_accessible, problems)
    assert not problems, "\n".join(problems)
