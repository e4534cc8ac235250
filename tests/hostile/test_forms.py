"""Hostile values at every form: never a 500, never a partial save, never unescaped output.

Each form's field names are read from the page the person would see, then hypothesis fills
them with random and malicious values (huge strings, control characters, SQL and HTML
fragments, impossible dates, wrong types) and leaves some out.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from board import services as board_services
from impact import value_services as impact_value_services
from milestones.dependencies import milestone_dependency_add
from tests import factories
from tests.test_access_matrix import SAMPLE_FOR, TABLE
from tracking.integrity import tracked_models

MARKER = "<script>alert('x')</script>"
NAME_RE = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"')

NASTY = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(
        [
            "",
            " ",
            MARKER,
            "' OR 1=1; DROP TABLE objectives_objective; --",
            '"><img src=x onerror=alert(1)>',
            "31",
            "02",
            "2026",
            "0",
            "-1",
            "99999",
            "1e308",
            "NaN",
            "2026-02-31",
            "x" * 100_000,
            "\u202e\u200b\ufeff",
            "null",
            "[]",
        ]
    ),
)

# Forms that the person who may use them would submit (POST), with the role that may.
FORMS = sorted(
    name
    for name, (access, methods) in TABLE.items()
    if "POST" in methods and "GET" in methods and access in ("editor", "admin", "recorder")
)


@pytest.fixture
def world(db):
    admin = factories.make_admin("fuzz_admin", is_staff=True)
    owner = factories.make_manager("fuzz_owner")
    person = factories.make_manager("fuzz_person")
    plan = factories.make_plan(user=admin)
    theme = factories.make_theme(plan, user=admin)
    objective = factories.make_objective(plan, user=admin, owner=owner, theme=theme)
    milestone = factories.make_milestone(objective, user=admin, due_date=date(2027, 1, 29))
    waited_for = factories.make_milestone(objective, user=admin, due_date=date(2027, 2, 26))
    samples = {
        "plan": plan,
        "theme": theme,
        "objective": objective,
        "milestone": milestone,
        "dependency": milestone_dependency_add(
            user=admin, milestone=milestone, depends_on=waited_for, reason="Needs it first"
        ),
        "person": person,
        "draft_plan": factories.make_plan(user=admin, published=False),
        "meeting": board_services.board_meeting_create(
            user=admin, plan=plan, held_on=plan.starts_on, name="Improvement board"
        ),
        **factories.make_impact_samples(objective, admin=admin),
    }
    samples["value"] = impact_value_services.measure_value_create(
        user=owner, measure=samples["measure"], period_end=plan.starts_on, value=Decimal("51")
    )
    return {"admin": admin, "owner": owner, "samples": samples}


def _state():
    return tuple(model.history.count() for model in tracked_models())


@pytest.mark.parametrize("name", FORMS)
def test_hostile_values_at_every_form(client, world, name):
    access, _ = TABLE[name]
    client.force_login(world["owner"] if access in ("editor", "recorder") else world["admin"])
    sample = SAMPLE_FOR.get(name)
    url = reverse(name, args=[world["samples"][sample].pk] if sample else [])
    page = client.get(url)
    assert page.status_code == 200
    fields = sorted(set(NAME_RE.findall(page.content.decode())) - {"csrfmiddlewaretoken"})
    # A form with nothing to fill in (a leaver who owns nothing) is still posted, empty.

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(fields, NASTY)))
    def post_hostile(data):
        before = _state()
        response = client.post(url, data)
        assert response.status_code < 500, (url, data)
        if response.status_code != 302:
            assert _state() == before, f"{url} saved something while refusing {data!r}"
        body = response.content.decode("utf-8", "replace")
        assert MARKER not in body, f"{url} echoed unescaped HTML"
        assert "<img src=x onerror" not in body, f"{url} echoed unescaped HTML"

    post_hostile()
