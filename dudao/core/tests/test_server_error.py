"""Unhandled errors: a database that cannot be reached (a restart, a failover) answers 503 with
Retry-After, as a page or, under /api/, as JSON; any other error stays a 500."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory, override_settings
from django.urls import path

from dudao.core.views import server_error


def database_down(request):
    raise OperationalError('connection failed: FATAL:  the database system is starting up')


def broken(request):
    raise ValueError("a bug")


urlpatterns = [path("down/", database_down), path("api/down/", database_down), path("broken/", broken)]
handler500 = "dudao.core.views.server_error"
pytestmark = pytest.mark.django_db


@pytest.fixture
def client_raising(client):
    client.raise_request_exception = False
    return client


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_database_unreachable_is_503_with_retry_after(client_raising):
    page = client_raising.get("/down/")
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert "系统暂时无法访问" in page.content.decode()

    api = client_raising.get("/api/down/")
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api.json()["detail"]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_other_errors_stay_500(client_raising):
    page = client_raising.get("/broken/")
    assert page.status_code == 500
    assert "Retry-After" not in page
    assert "服务器错误" in page.content.decode()


def test_outside_an_exception_it_is_500():
    assert server_error(RequestFactory().get("/")).status_code == 500
