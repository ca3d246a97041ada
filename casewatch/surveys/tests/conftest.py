"""Fixtures of the surveys tests: Ningbo's organisation tree, the shipped instruments, users."""

from __future__ import annotations

import pytest

from casewatch.core.choices import Role
from casewatch.surveys import services
from casewatch.surveys.choices import RespondentGroup
from casewatch.surveys.factories import WaveFactory, make_user


@pytest.fixture
def org(db):
    from casewatch.core.services_org import seed_ningbo

    seed_ningbo()


@pytest.fixture
def instruments(org):
    services._COMPILED.clear()
    return {i.code: i for i in services.load_shipped()}


@pytest.fixture
def zhenhai_user(org):
    """A committee supervisor of 镇海区 (the pilot district)."""
    return make_user(Role.COMMITTEE_SUPERVISOR, "330211", username="zh_sup")


@pytest.fixture
def yinzhou_user(org):
    """A committee supervisor of 鄞州区 — out of scope for 镇海's records."""
    return make_user(Role.COMMITTEE_SUPERVISOR, "330212", username="yz_sup")


@pytest.fixture
def city_user(org):
    return make_user(Role.COMMITTEE_SUPERVISOR, "330200", username="city_sup")


@pytest.fixture
def handler_user(org):
    """A case handler in 镇海: may view, may not change or export."""
    return make_user(Role.HANDLER, "330211", username="zh_handler")


@pytest.fixture
def wave(instruments):
    """An open wave of 镇海区 with the three pilot groups as targets."""
    w = WaveFactory(name="镇海区第一轮测评")
    for group, code, size in (
        (RespondentGroup.PARTY, "party", 1000),
        (RespondentGroup.LAWYER, "lawyer", 300),
        (RespondentGroup.RESIDENT, "resident", 2000),
    ):
        w.targets.create(respondent_group=group, instrument=instruments[code], sample_size=size)
    return w


@pytest.fixture(autouse=True)
def fresh_caches():
    """Ids are reused between tests (rolled-back transactions): start every test with empty caches."""
    from django.core.cache import cache

    from casewatch.surveys import submission

    services._COMPILED.clear()
    submission.clear_caches()
    cache.clear()  # computed results (`results.compute`)
    yield


@pytest.fixture(autouse=True)
def english():
    """Messages produced outside a request (services, reports) in English, whatever the catalogue
    holds; pages follow each request's Accept-Language as usual."""
    from django.utils import translation

    with translation.override("en"):
        yield
