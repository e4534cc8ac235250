import pytest

from tests import factories


@pytest.fixture
def admin_user(db):
    return factories.make_admin("alice_admin")


@pytest.fixture
def leader(db):
    return factories.make_leader("lee_leader")


@pytest.fixture
def manager(db):
    return factories.make_manager("mo_manager")


@pytest.fixture
def other_manager(db):
    return factories.make_manager("nat_manager")
