"""Hostile query strings at /api/drift/: always JSON, never a 500, never data for visitors."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

NASTY = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "2026-02-31",
            "0000-00-00",
            "9999-12-31",
            "-1",
            "1e9",
            "99999999999999999999999",
            "\x00\x01\x1f",
            "2026-1-1",
            "../../etc/passwd",
            "%00",
        ]
    ),
)


@pytest.fixture
def signed_in(client, db, leader):
    factories.make_objective(user=leader)
    client.force_login(leader)
    return client


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(as_of=NASTY, plan=NASTY)
def test_any_query_string_gets_json_and_never_a_500(signed_in, as_of, plan):
    response = signed_in.get("/api/drift/", {"as_of": as_of, "plan": plan})
    assert response.status_code in (200, 400)
    body = response.json()
    if response.status_code == 400:
        assert isinstance(body["error"], str) and body["error"]
        assert "<script>" not in response.content.decode()
    else:
        assert set(body) == {"plan", "as_of", "summary", "forecast", "objectives", "board"}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(as_of=NASTY)
def test_visitors_never_get_data(client, db, as_of):
    response = client.get("/api/drift/", {"as_of": as_of})
    assert response.status_code in (401, 403)
    assert "objectives" not in response.json()
