"""The project's URLs plus the framework floor that ``bench/run.py`` times beside every page: one
query and a one-line template (without the project's context processors: no menu, no scope) behind
the same middleware (session, sign-in, language)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from dudao.accounts.models import User
from dudao.urls import urlpatterns as project

TEMPLATE = engines["django"].from_string("<!doctype html><title>floor</title><p>{{ n }}</p>")


def floor(request):
    n = User.objects.filter(pk=request.user.pk).count()  # scope: the signed-in user's own row
    return HttpResponse(TEMPLATE.render({"n": n}))


urlpatterns = [path("bench-floor/", floor), *project]
