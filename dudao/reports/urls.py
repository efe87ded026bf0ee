from django.urls import path

from dudao.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("schools/<int:pk>/timeline/", views.SchoolTimelineView.as_view(), name="school_timeline"),
    path("schools/<int:pk>/portrait/", views.SchoolPortraitView.as_view(), name="school_portrait"),
    path("schools/compare/", views.SchoolCompareView.as_view(), name="school_compare"),
]
