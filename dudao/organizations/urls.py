from django.urls import path

from dudao.core.views import object_paths
from dudao.organizations import views
from dudao.organizations.imports import CalendarDayImportView, SchoolImportView

app_name = "organizations"

urlpatterns = [
    *object_paths("regions/", "region", list=views.RegionListView, add=views.RegionEditView,
                  detail=views.RegionDetailView, edit=views.RegionEditView, delete=views.RegionDeleteView),
    *object_paths("offices/", "office", list=views.OfficeListView, add=views.OfficeEditView,
                  detail=views.OfficeDetailView, edit=views.OfficeEditView),
    path("schools/import/", SchoolImportView.as_view(), name="school_import"),
    *object_paths("schools/", "school", list=views.SchoolListView, add=views.SchoolEditView,
                  detail=views.SchoolDetailView, edit=views.SchoolEditView, delete=views.SchoolDeleteView),
    path("schools/<int:pk>/zone/", views.SchoolZoneAssignView.as_view(), name="school_zone_assign"),
    *object_paths("units/", "department", list=views.DepartmentListView, add=views.DepartmentEditView,
                  detail=views.DepartmentDetailView, edit=views.DepartmentEditView, delete=views.DepartmentDeleteView),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("calendar/import/", CalendarDayImportView.as_view(), name="calendar_import"),
    path("calendar/<int:pk>/delete/", views.CalendarDayDeleteView.as_view(), name="calendarday_delete"),
    *object_paths("zones/", "zone", list=views.ZoneListView, add=views.ZoneEditView,
                  detail=views.ZoneDetailView, edit=views.ZoneEditView, delete=views.ZoneDeleteView),
]
