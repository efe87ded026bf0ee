from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from dudao.core.views import PickView


def _app(name: str, prefix: str = "", module: str = "urls"):
    """The pages of the app ``dudao.<name>`` under ``<prefix>/``, by default the app's name."""
    return path(f"{prefix or name}/", include(f"dudao.{name}.{module}"))


urlpatterns = [
    path("", include("dudao.reports.urls")),
    _app("workreports", "reports"),
    *map(_app, ("assessment", "accounts", "organizations", "inspectors")),
    _app("complaints", "p", "urls.public"),  # public school pages (signboard QR codes), follow-up
    *map(_app, ("instruments", "inspections", "plans", "monitoring", "evaluations", "campaigns", "directives",
                "complaints", "surveys")),
    _app("surveys", "s", "urls.public"),  # public survey answer pages (links and QR codes)
    *map(_app, ("documents", "audit", "jobs", "notifications")),
    path("pick/<str:label>/", PickView.as_view(), name="pick"),  # a picker's suggestions
    path("api/", include(("dudao.api_urls", "api"), namespace="api")),
    path("admin/", admin.site.urls),
    path("", include("dudao.ops.urls")),  # /health/ and /metrics
]

if settings.DEBUG and settings.DUDAO_MEDIA_STORAGE == "filesystem":
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = "dudao.core.views.page_not_found"
handler500 = "dudao.core.views.server_error"
