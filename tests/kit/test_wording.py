"""The service's one way of wording times and slips, and the wording fixes across its pages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from kit import formatting

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (-4, "4 days early"),
        (-1, "1 day early"),
        (0, "On time"),
        (1, "1 day late"),
        (59, "59 days late"),
    ],
)
def test_slip_in_words(days, words):
    assert formatting.slip(days) == words


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 12, 4, 16, 52, tzinfo=LONDON), "4:52pm"),
        (datetime(2026, 12, 4, 17, 0, tzinfo=LONDON), "5:00pm"),
        (datetime(2026, 12, 4, 9, 5, tzinfo=LONDON), "9:05am"),
        (datetime(2026, 12, 4, 12, 0, tzinfo=LONDON), "midday"),
    ],
)
def test_times_read_the_same_everywhere(moment, words):
    rendered = Template("{% load wording %}{{ m|clock }}|{{ m|when }}").render(
        Context({"m": moment})
    )
    assert rendered == f"{words}|4 December 2026 at {words}"
    assert "." not in rendered.replace("4 December", "")  # never "4:52p.m."


def test_a_utc_moment_is_shown_in_london_time():
    moment = datetime(2026, 7, 4, 15, 52, tzinfo=ZoneInfo("UTC"))  # 4:52pm in summer
    assert Template("{% load wording %}{{ m|clock }}").render(Context({"m": moment})) == "4:52pm"


def test_no_template_words_a_time_with_djangos_am_pm():
    """Django's "a" and "A" give "p.m."/"PM"; the service writes "4:52pm" (kit.formatting)."""
    import re
    from pathlib import Path

    pattern = re.compile(r'(?:\|date|\|time|{% now) ?:?"[^"]*[aAP][^"]*"')
    root = Path(__file__).resolve().parents[2] / "templates"
    found = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.rglob("*.html")
        for match in pattern.finditer(path.read_text())
        if re.search(r"(?<!\\)[aAP]", match.group(0).split('"')[1])
    ]
    assert found == []
