"""The people pages are administrators' pages under /manage/: they share their fixtures."""

from tests.planning.conftest import (  # noqa: F401
    admin_client,
    objective,
    plan,
    staff_admin,
    theme,
)
