"""A signed-in request reads its session, account and roles in one query (kit.sessions), and
signs people out exactly when Django's own reading would."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kit.roles import LEADERSHIP
from kit.sessions import SessionStore

PAGE = "/dashboard/"


def _queries(client, path=PAGE):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [q["sql"] for q in queries]


def _reads_of(table: str, queries) -> list[str]:
    return [sql for sql in queries if f'FROM "{table}"' in sql or f'JOIN "{table}"' in sql]


def test_session_account_and_roles_come_in_one_query(client, leader):
    client.force_login(leader)
    response, queries = _queries(client)
    assert response.status_code == 200
    assert response.context["user"] == leader
    assert "kit_account_session" in queries[0]
    assert '"auth_user"' in queries[0] and '"auth_user_groups"' in queries[0]
    assert _reads_of("auth_user", queries) == [queries[0]]
    assert _reads_of("auth_user_groups", queries) == [queries[0]]


def test_the_session_row_names_its_account_read_as_the_orm_reads_it(client, leader):
    client.force_login(leader)
    store = SessionStore(client.session.session_key)
    store.load()
    account, fresh = store.account, type(leader).objects.get(pk=leader.pk)
    assert account == leader
    assert account._role_names == {LEADERSHIP}
    for field in type(leader)._meta.concrete_fields:
        mine, theirs = getattr(account, field.attname), getattr(fresh, field.attname)
        assert (mine, type(mine)) == (theirs, type(theirs)), field.name
    assert not account._state.adding


def test_a_changed_password_signs_the_session_out(client, leader):
    client.force_login(leader)
    leader.set_password("a-new-password-2026")
    leader.save()
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_leaver_is_signed_out(client, leader):
    client.force_login(leader)
    leader.is_active = False
    leader.save()
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_role_taken_away_counts_from_the_next_request(client, leader):
    client.force_login(leader)
    assert client.get(PAGE).status_code == 200
    leader.groups.remove(Group.objects.get(name=LEADERSHIP))
    assert client.get(PAGE).status_code == 403


def test_single_sign_on_sessions_take_the_same_path(client, leader):
    client.force_login(leader, backend="sso.backends.OrganisationAccountBackend")
    response, queries = _queries(client)
    assert response.status_code == 200
    assert _reads_of("auth_user", queries) == [queries[0]]


def test_a_session_naming_an_unknown_backend_is_anonymous(client, leader):
    client.force_login(leader)
    session = client.session
    session["_auth_user_backend"] = "somewhere.else.Backend"
    session.save()
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
