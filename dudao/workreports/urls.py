from django.urls import path

from dudao.workreports import views

app_name = "workreports"

# the pages keep the addresses people know: /reports/...
urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("add/", views.ReportDraftView.as_view(), name="report_add"),
    path("status/", views.ReportStatusView.as_view(), name="report_status"),
    path("due-dates/", views.ReportPolicyView.as_view(), name="report_policy"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/redraft/", views.ReportRedraftView.as_view(), name="report_redraft"),
    path("<int:pk>/submit/", views.ReportSubmitView.as_view(), name="report_submit"),
    path("<int:pk>/transition/<str:name>/", views.ReportTransitionView.as_view(), name="report_transition"),
    path("<int:pk>/file/<str:which>.<str:fmt>", views.ReportFileView.as_view(), name="report_file"),
]
