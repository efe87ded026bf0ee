from django.urls import path

from dudao.organizations import views
from dudao.organizations.imports import SchoolImportView

app_name = "organizations"

urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/add/", views.RegionEditView.as_view(), name="region_add"),
    path("regions/<int:pk>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("regions/<int:pk>/edit/", views.RegionEditView.as_view(), name="region_edit"),
    path("regions/<int:pk>/delete/", views.RegionDeleteView.as_view(), name="region_delete"),
    path("offices/", views.OfficeListView.as_view(), name="office_list"),
    path("offices/add/", views.OfficeEditView.as_view(), name="office_add"),
    path("offices/<int:pk>/", views.OfficeDetailView.as_view(), name="office_detail"),
    path("offices/<int:pk>/edit/", views.OfficeEditView.as_view(), name="office_edit"),
    path("schools/", views.SchoolListView.as_view(), name="school_list"),
    path("schools/import/", SchoolImportView.as_view(), name="school_import"),
    path("schools/add/", views.SchoolEditView.as_view(), name="school_add"),
    path("schools/<int:pk>/", views.SchoolDetailView.as_view(), name="school_detail"),
    path("schools/<int:pk>/edit/", views.SchoolEditView.as_view(), name="school_edit"),
    path("schools/<int:pk>/delete/", views.SchoolDeleteView.as_view(), name="school_delete"),
    path("schools/<int:pk>/zone/", views.SchoolZoneAssignView.as_view(), name="school_zone_assign"),
    path("zones/", views.ZoneListView.as_view(), name="zone_list"),
    path("zones/add/", views.ZoneEditView.as_view(), name="zone_add"),
    path("zones/<int:pk>/", views.ZoneDetailView.as_view(), name="zone_detail"),
    path("zones/<int:pk>/edit/", views.ZoneEditView.as_view(), name="zone_edit"),
    path("zones/<int:pk>/delete/", views.ZoneDeleteView.as_view(), name="zone_delete"),
]
