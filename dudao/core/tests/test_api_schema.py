"""Every operation of the API schema (``/api/schema/``), called with generated data on the demo county
as the county office administrator and as a responsible inspector: no answer is a server error, and
every answer has a documented status, its documented content type and a body that matches its schema.

The demo is loaded and committed once for the module (flushed after it); each generated call runs in
a transaction that is rolled back, so a call that changes something (``POST``, ``PUT``, ``PATCH``,
``DELETE``) never disturbs the next. The calls go to the WSGI application in-process.

Bounded: a few examples per operation, derandomized (the same calls on every run), no stateful phase.
"""

import contextlib
import functools
import json
import re
from collections import Counter

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dudao.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 5
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
BOUNDED = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate],  # no explicit phase: the coverage phase's many boundary cases would not fit
    suppress_health_check=list(HealthCheck),
)


CALLS: Counter = Counter()


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    """Whatever the block writes is undone at its end."""
    with contextlib.suppress(_Rollback), transaction.atomic():
        yield
        raise _Rollback


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded and committed once for the module (as ``dudao demo`` does), flushed after."""
    media = tmp_path_factory.getbasetemp() / "media"
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        call_command("demo", verbosity=0)
        try:
            yield
            print(f"\n{sum(CALLS.values())} calls, {len(CALLS)} operations and users")  # shown with -s
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def in_process_wsgi():
    """The request signals keep the test's database connection (and its transaction) open, as
    Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def token_of(username: str) -> str:
    token, _created = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))
    return token.key


def api_schema():
    """The schema ``/api/schema/`` serves, generated here: collecting the tests may not use the database."""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    return loaded


schema = api_schema()


@functools.cache
def model_of(path: str):
    """The model of the viewset that serves an operation's path, or None."""
    try:
        match = resolve(re.sub(r"\{\w+\}", "x", path.replace("{id}", "1")))
    except Resolver404:
        return None
    view = getattr(match.func, "cls", None)
    return getattr(view, "model", None) or getattr(getattr(view, "queryset", None), "model", None)


def on_demo_rows(case) -> None:
    """Three generated ids in four become the id of a row of the operation's model (the generated
    number picks which), so that the calls reach the demo's campaigns, notices, surveys... and not
    only 404; the fourth stays as generated."""
    value = (case.path_parameters or {}).get("id")
    model = model_of(case.path) if isinstance(value, int) and not isinstance(value, bool) else None
    if model is None or value % 4 == 3:
        return
    ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
    if ids:
        case.path_parameters["id"] = ids[value % len(ids)]


def call_and_check(case, username: str) -> None:
    headers = {"Authorization": f"Token {token_of(username)}"}
    on_demo_rows(case)
    CALLS[case.operation.label, username] += 1
    with rolled_back():
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)


@schema.parametrize()
@BOUNDED
def test_as_office_admin(case, demo_county, in_process_wsgi):
    call_and_check(case, "office_admin")


@schema.parametrize()
@BOUNDED
def test_as_inspector(case, demo_county, in_process_wsgi):
    call_and_check(case, "inspector")
