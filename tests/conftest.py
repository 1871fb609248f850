"""Personas shared by all tests: who may see what (STYLE.md, after Healthchecks' test base)."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from tests import factories
from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.org.choices import Establishment, Tier, UnitKind
from zhongjian.org.models import Cadre, County, Post, Unit

# Property tests draw the same examples on every run, so a failure is reproducible and CI is
# deterministic; no example database is written into the checkout. No per-example deadline: on a
# shared two-core machine (and on the first call that loads jieba) timing would make tests flaky.
hypothesis_settings.register_profile("zhongjian", derandomize=True, database=None, deadline=None)
hypothesis_settings.load_profile("zhongjian")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A transactional test (browser, concurrency, a database file read as a DBA) flushes every
    table when it ends, the rows migrations seed too (rules, holidays, instruments). Each such
    test starts from the migrated rows again (Django's serialized rollback), so none depends on
    the order it runs in."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.fixture(autouse=True, scope="session")
def _huey_runs_tasks_inline() -> None:
    """Background tasks run at once in tests, so their effects are visible to the test."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hash test passwords with a cheap hasher: PBKDF2's million rounds cost most of a second
    per user on a small machine, and every persona is a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


REDIS_TEST_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def shared_rates(settings: Any) -> str:
    """Rate limits counted in a real Redis (as a deployment with REDIS_URL counts them); the
    test is skipped where none answers on 127.0.0.1:6379. Counters are never flushed (another
    run may share the server): tests use scopes or buckets of their own."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.REDIS_URL = REDIS_TEST_URL
    return REDIS_TEST_URL


@pytest.fixture(autouse=True)
def _no_process_state_from_other_tests() -> None:
    """Forget what this process remembers by database key: a rolled-back test frees its keys
    and the next test's county 1 or wave 1 is another one (a live database never reuses a
    key for other rows). The registry's name stamps are checked at most once a second, so a
    stale one would otherwise mask another county's names for a second: timing-dependent."""
    from zhongjian.voice.services import answering

    answering.forget_name_stamps()
    answering.forget_opened_waves()


@dataclass
class Personas:
    county: County
    unit_a: Unit
    unit_b: Unit
    post_a: Post
    post_b: Post
    cadre_a: Cadre
    cadre_b: Cadre
    org: User
    head_a: User
    head_b: User
    counselor: User
    cadre: User
    admin: User
    auditor: User
    outsider_org: User  # organization department of another county

    def all_users(self) -> dict[str, User]:
        return {
            "org": self.org,
            "head_a": self.head_a,
            "head_b": self.head_b,
            "counselor": self.counselor,
            "cadre": self.cadre,
            "admin": self.admin,
            "auditor": self.auditor,
            "outsider_org": self.outsider_org,
        }


@pytest.fixture
def personas(db: None) -> Personas:
    county = factories.county(name="示例县")
    unit_a = factories.unit(county=county, kind=UnitKind.TOWNSHIP, name="青石镇")
    unit_b = factories.unit(county=county, kind=UnitKind.COUNTY_DEPARTMENT, name="县财政局")
    post_a = factories.post(unit=unit_a, tier=Tier.GUJI, title="党政综合办公室主任")
    post_b = factories.post(unit=unit_b, tier=Tier.FUKE, title="副局长")
    cadre_a = factories.cadre(unit=unit_a, name="张伟")
    cadre_b = factories.cadre(unit=unit_b, name="李娜", establishment=Establishment.ADMINISTRATIVE)
    factories.appoint(cadre=cadre_a, post=post_a, start=datetime.date(2022, 3, 1))
    other_county = factories.county(name="邻县")
    return Personas(
        county=county,
        unit_a=unit_a,
        unit_b=unit_b,
        post_a=post_a,
        post_b=post_b,
        cadre_a=cadre_a,
        cadre_b=cadre_b,
        org=factories.user(role=Role.ORG_DEPARTMENT, county=county),
        head_a=factories.user(role=Role.UNIT_HEAD, county=county, unit=unit_a),
        head_b=factories.user(role=Role.UNIT_HEAD, county=county, unit=unit_b),
        counselor=factories.user(role=Role.COUNSELOR, county=county),
        cadre=factories.user(role=Role.CADRE, county=county, unit=unit_a, cadre=cadre_a),
        admin=factories.user(role=Role.SYSTEM_ADMIN, county=county),
        auditor=factories.user(role=Role.AUDITOR, county=county),
        outsider_org=factories.user(role=Role.ORG_DEPARTMENT, county=other_county),
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(user: User) -> dict[str, str]:
    """The Authorization header of a fresh personal API token of USER."""
    from zhongjian.accounts.services import token_create

    _token, raw = token_create(user=user, name="测试")
    return {"Authorization": f"Bearer {raw}"}
