"""The REST API under /api/v1/: one router, token auth, schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from dudao.accounts.api import MembershipViewSet, PasswordChangeView, TokenView
from dudao.assessment import api as assessment_api
from dudao.audit.api import AuditEventViewSet
from dudao.campaigns import api as campaigns_api
from dudao.complaints import api as complaints_api
from dudao.directives import api as directives_api
from dudao.documents import api as documents_api
from dudao.evaluations import api as evaluations_api
from dudao.inspections import api as inspections_api
from dudao.inspectors.api import InspectorViewSet, ListingViewSet, SchoolSignboardViewSet
from dudao.inspectors.api import development as inspectors_development_api
from dudao.instruments import api as instruments_api
from dudao.jobs import api as jobs_api
from dudao.monitoring import api as monitoring_api
from dudao.notifications import api as notifications_api
from dudao.organizations.api import (
    CalendarDayViewSet,
    DepartmentViewSet,
    OfficeViewSet,
    RegionViewSet,
    SchoolViewSet,
    ZoneMembershipViewSet,
    ZoneViewSet,
)
from dudao.plans.api import TaskViewSet, WorkPlanViewSet
from dudao.reports import api as reports_api
from dudao.surveys import api as surveys_api
from dudao.workreports import api as workreports_api

router = DefaultRouter()
router.register("accounts/memberships", MembershipViewSet, basename="accounts-membership")
router.register("organizations/regions", RegionViewSet, basename="organizations-region")
router.register("organizations/offices", OfficeViewSet, basename="organizations-office")
router.register("organizations/schools", SchoolViewSet, basename="organizations-school")
router.register("organizations/zones", ZoneViewSet, basename="organizations-zone")
router.register("organizations/departments", DepartmentViewSet, basename="organizations-department")
router.register("organizations/zone-memberships", ZoneMembershipViewSet, basename="organizations-zonemembership")
router.register("organizations/calendar-days", CalendarDayViewSet, basename="organizations-calendarday")
router.register("inspectors/inspectors", InspectorViewSet, basename="inspectors-inspector")
router.register("inspectors/listings", ListingViewSet, basename="inspectors-listing")
router.register("inspectors/schools", SchoolSignboardViewSet, basename="inspectors-school")
inspectors_development_api.register(router)
router.register("audit/events", AuditEventViewSet, basename="audit-auditevent")
router.register("instruments/instruments", instruments_api.InstrumentViewSet, basename="instruments-instrument")
router.register("instruments/versions", instruments_api.VersionViewSet, basename="instruments-version")
router.register("instruments/items", instruments_api.ItemViewSet, basename="instruments-item")
inspections_api.register(router)
router.register("plans/workplans", WorkPlanViewSet, basename="plans-workplan")
router.register("plans/tasks", TaskViewSet, basename="plans-task")
monitoring_api.register(router)
evaluations_api.register(router)
campaigns_api.register(router)
directives_api.register(router)
complaints_api.register(router)
surveys_api.register(router)
workreports_api.register(router)
assessment_api.register(router)
reports_api.register(router)
documents_api.register(router)
jobs_api.register(router)
notifications_api.register(router)


urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="token"),
    path("v1/auth/password/", PasswordChangeView.as_view(), name="password_change"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
