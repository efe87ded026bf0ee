from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from dudao.core.views import PickView

urlpatterns = [
    path("", include("dudao.reports.urls")),
    path("reports/", include("dudao.workreports.urls")),
    path("assessment/", include("dudao.assessment.urls")),
    path("accounts/", include("dudao.accounts.urls")),
    path("organizations/", include("dudao.organizations.urls")),
    path("inspectors/", include("dudao.inspectors.urls")),
    path("p/", include("dudao.complaints.urls.public")),  # public school pages (signboard QR codes), follow-up
    path("instruments/", include("dudao.instruments.urls")),
    path("inspections/", include("dudao.inspections.urls")),
    path("plans/", include("dudao.plans.urls")),
    path("monitoring/", include("dudao.monitoring.urls")),
    path("evaluations/", include("dudao.evaluations.urls")),
    path("campaigns/", include("dudao.campaigns.urls")),
    path("directives/", include("dudao.directives.urls")),
    path("complaints/", include("dudao.complaints.urls")),
    path("surveys/", include("dudao.surveys.urls")),
    path("s/", include("dudao.surveys.urls.public")),  # public survey answer pages (links and QR codes)
    path("documents/", include("dudao.documents.urls")),
    path("audit/", include("dudao.audit.urls")),
    path("jobs/", include("dudao.jobs.urls")),
    path("notifications/", include("dudao.notifications.urls")),
    path("pick/<str:label>/", PickView.as_view(), name="pick"),  # a picker's suggestions
    path("api/", include(("dudao.api_urls", "api"), namespace="api")),
    path("admin/", admin.site.urls),
    path("", include("dudao.ops.urls")),  # /health/ and /metrics
]

if settings.DEBUG and settings.DUDAO_MEDIA_STORAGE == "filesystem":
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler404 = "dudao.core.views.page_not_found"
handler500 = "dudao.core.views.server_error"
