"""Fixtures of the core tests: fast hashing, and the small world built once per module."""

import pytest

from casewatch.core import testing
from casewatch.core.testing import fast_password_hashers  # noqa: F401 (autouse fixture)


@pytest.fixture(scope="module")
def cw_world_module(django_db_setup, django_db_blocker):
    """The Ningbo tree, one account per role, staff, jobs; rolled back after the module."""
    yield from testing.module_world(django_db_blocker)


@pytest.fixture
def world(cw_world_module, db):
    """The module's world; each test runs in its own savepoint on top of it."""
    return cw_world_module


@pytest.fixture
def users(world):
    return world.users
