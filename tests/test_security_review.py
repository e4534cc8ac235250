"""What the security review found: forged log lines, over-long usernames, admin addresses that
answered 500, and a NUL character in an admin filter. Each runs on SQLite and PostgreSQL."""

import io
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.test import override_settings

from kit.security import escape_control
from tests import factories

pytestmark = pytest.mark.django_db

AXES_ON = {
    "AXES_ENABLED": True,
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ],
}
FORGED = "mo\n2026-01-01T00:00:00Z improve.security INFO sign-in user=admin ip=10.0.0.1"


@pytest.fixture
def security_log():
    """What the security log's own handler writes, as text."""
    logger = logging.getLogger("improve.security")
    handler = next(h for h in logger.handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_escape_control_writes_every_control_character_as_an_escape():
    assert escape_control("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert escape_control("x\x00y\x1b[31m\x7f") == "x\\x00y\\x1b[31m\\x7f"
    assert escape_control("line\u2028sep\u202eevil") == "line\\u2028sep\\u202eevil"
    assert escape_control("Zoë O’Brien") == "Zoë O’Brien"


def test_a_newline_in_a_failed_sign_in_cannot_forge_a_log_line(client, security_log, caplog):
    with caplog.at_level(logging.INFO, logger="improve.security"):
        client.post("/accounts/login/", {"username": FORGED, "password": "wrong"})
    written = security_log.getvalue()
    lines = [line for line in written.splitlines() if line]
    assert len(lines) == 1, written
    assert 'sign-in-failed user="mo\\n2026-01-01T00:00:00Z improve.security' in lines[0]
    for record in caplog.records:
        assert "\n" not in record.getMessage()


def test_every_value_logged_to_the_security_log_is_escaped(security_log):
    logging.getLogger("improve.security").warning(
        "refused path=%s user=%s", "/x\r\nforged line", {"name": "a\nb"}
    )
    written = security_log.getvalue()
    assert written.count("\n") == 1, written
    # The dictionary's own backslash (from repr) is doubled, as every backslash in a value is.
    assert "path=\"/x\\r\\nforged line\" user=\"{'name': 'a\\\\nb'}\"" in written


_FIELD = re.compile(r'([a-z_]+)=("(?:[^"\\]|\\.)*"|[^\s"=\\]+)')
_ESCAPE = re.compile(r'\\(?:(["\\])|([nrt])|x([0-9a-f]{2})|u([0-9a-f]{4}))')


def _unescape(match: re.Match) -> str:
    quoted, named, byte, code = match.groups()
    if quoted:
        return quoted
    if named:
        return {"n": "\n", "r": "\r", "t": "\t"}[named]
    return chr(int(byte or code, 16))


def parse_security_line(line: str) -> tuple[str, list[tuple[str, str]]]:
    """(event, [(key, value), ...]) from one written line, as the module's docstring says a
    reader should: fields split at spaces outside quotes, then the escapes undone."""
    _time, name, _level, rest = line.split(" ", 3)
    assert name == "improve.security"
    event, _, rest = rest.partition(" ")
    fields, position = [], 0
    while position < len(rest):
        found = _FIELD.match(rest, position)
        assert found, f"not a field at {rest[position:]!r}"
        value = found.group(2)
        if value.startswith('"'):
            value = _ESCAPE.sub(_unescape, value[1:-1])
        else:
            assert "\\" not in value
        fields.append((found.group(1), value))
        position = found.end()
        if position < len(rest):
            assert rest[position] == " ", rest[position:]
            position += 1
    return event, fields


def test_a_username_with_fields_in_it_stays_one_field_of_a_failed_sign_in(client, security_log):
    client.post("/accounts/login/", {"username": "bob ip=10.6.6.6 user=admin", "password": "x"})
    (line,) = security_log.getvalue().splitlines()
    assert parse_security_line(line) == (
        "sign-in-failed",
        [("user", "bob ip=10.6.6.6 user=admin"), ("ip", "127.0.0.1")],
    )
    assert 'user="bob ip=10.6.6.6 user=admin" ip=127.0.0.1' in line


@pytest.mark.parametrize(
    "username",
    [
        "bob ip=10.6.6.6 user=admin",
        'bob" ip="10.6.6.6',
        'bob\\" ip=10.6.6.6 user="admin',
        "bob\\",
        "a\\nb",
        "a\nb",
        "bob\tip=10.6.6.6",
        "bob\u00a0ip=10.6.6.6",
        "bob\u2028ip=10.6.6.6",
        "=",
        "",
        'x" user=admin ip=1.2.3.4 y="',
        "Zoë O’Brien",
    ],
)
def test_every_field_value_reads_back_exactly(security_log, username):
    logging.getLogger("improve.security").warning(
        "sign-in-failed user=%s ip=%s", username, "127.0.0.1"
    )
    (line,) = security_log.getvalue().splitlines()
    event, fields = parse_security_line(line)
    assert event == "sign-in-failed"
    assert fields == [("user", username), ("ip", "127.0.0.1")]


def test_plain_values_are_written_as_they_are(security_log):
    logging.getLogger("improve.security").warning(
        "refused status=%s user=%s path=%s", 403, "jo.smith", "/manage/people/"
    )
    assert (
        security_log.getvalue()
        .rstrip("\n")
        .endswith("refused status=403 user=jo.smith path=/manage/people/")
    )


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize("length", [151, 256, 100_000])
@override_settings(**AXES_ON)
def test_an_over_long_username_is_refused_with_a_gov_uk_error_and_never_stored(
    client, path, length, security_log
):
    response = client.post(path, {"username": "u" * length, "password": "wrong"})
    assert response.status_code == 200
    assert "Username must be 150 characters or fewer" in response.content.decode()
    assert not AccessAttempt.objects.filter(username__startswith="uuu").exists()
    assert len(security_log.getvalue()) < 1000


@override_settings(**AXES_ON)
def test_the_longest_possible_username_is_still_counted_by_the_sign_in_limit(client):
    name = "u" * 150
    for _ in range(2):
        client.post("/accounts/login/", {"username": name, "password": "wrong"})
    attempt = AccessAttempt.objects.get()
    assert attempt.username == name and attempt.failures_since_start == 2


def test_the_sign_in_limit_never_records_more_than_a_username_can_hold():
    from django.test import RequestFactory

    from kit.security import axes_username

    request = RequestFactory().post("/accounts/login/", {"username": "x" * 5000})
    assert axes_username(request) == "x" * 150
    assert axes_username(request, {"username": "y" * 300}) == "y" * 150


@pytest.fixture
def admin_client(client):
    admin = factories.make_admin("review_admin", is_staff=True)
    plan = factories.make_plan(user=admin)
    factories.make_objective(plan, user=admin)
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/objectives/objective/1/history/abc/",
        "/admin/objectives/objective/abc/history/1/",
        "/admin/objectives/objective/abc/history/",
        "/admin/objectives/objective/1/history/99999999999999999999999/",
        "/admin/milestones/milestone/1/history/%C3%A9/",
        "/admin/objectives/plan/1/history/-1/",
    ],
)
def test_admin_history_addresses_that_are_not_numbers_answer_404(admin_client, path):
    assert admin_client.get(path).status_code == 404


def test_admin_history_of_a_real_record_still_shows(admin_client):
    from objectives.models import Objective

    objective = Objective.objects.get()
    record = objective.history.first()
    url = f"/admin/objectives/objective/{objective.pk}/history/{record.history_id}/"
    assert admin_client.get(url).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=%00",
        "q=%00",
        "plan__id__exact=1%00",
        "%00=1",
    ],
)
@pytest.mark.parametrize(
    "changelist", ["/admin/objectives/objective/", "/admin/auth/user/", "/admin/objectives/plan/"]
)
def test_a_nul_character_in_an_admin_query_answers_400(admin_client, changelist, query):
    response = admin_client.get(f"{changelist}?{query}")
    assert response.status_code == 400
