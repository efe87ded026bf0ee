from django.urls import path

from dudao.reports import views, views_reports

app_name = "reports"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("schools/<int:pk>/timeline/", views.SchoolTimelineView.as_view(), name="school_timeline"),
    path("reports/", views_reports.ReportListView.as_view(), name="report_list"),
    path("reports/add/", views_reports.ReportDraftView.as_view(), name="report_add"),
    path("reports/status/", views_reports.ReportStatusView.as_view(), name="report_status"),
    path("reports/due-dates/", views_reports.ReportPolicyView.as_view(), name="report_policy"),
    path("reports/<int:pk>/", views_reports.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/redraft/", views_reports.ReportRedraftView.as_view(), name="report_redraft"),
    path("reports/<int:pk>/submit/", views_reports.ReportSubmitView.as_view(), name="report_submit"),
    path("reports/<int:pk>/transition/<str:name>/", views_reports.ReportTransitionView.as_view(),
         name="report_transition"),
    path("reports/<int:pk>/file/<str:which>.<str:fmt>", views_reports.ReportFileView.as_view(), name="report_file"),
]
