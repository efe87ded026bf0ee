from django.urls import path

from dudao.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("new/", views.EvaluationCreateView.as_view(), name="evaluation_create"),
    path("<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path("<int:pk>/units/", views.EvaluationUnitsView.as_view(), name="evaluation_units"),
    path("<int:pk>/raters/", views.EvaluationRaterView.as_view(), name="evaluation_rater"),
    path("<int:pk>/results/", views.EvaluationResultsView.as_view(), name="evaluation_results"),
    path("<int:pk>/export/", views.EvaluationExportView.as_view(), name="evaluation_export"),
    path("<int:pk>/report/", views.EvaluationReportView.as_view(), name="evaluation_report"),
    path("<int:pk>/phase/<slug:name>/", views.EvaluationTransitionView.as_view(), name="evaluation_transition"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/self/", views.UnitSelfView.as_view(), name="unit_self"),
    path("units/<int:pk>/evidence/", views.UnitEvidenceView.as_view(), name="unit_evidence"),
    path("units/<int:pk>/visit/", views.UnitVisitView.as_view(), name="unit_visit"),
    path("units/<int:pk>/reply/", views.UnitReplyView.as_view(), name="unit_reply"),
    path("units/<int:pk>/opinion/", views.UnitOpinionView.as_view(), name="unit_opinion"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("ratings/<int:pk>/", views.RatingDetailView.as_view(), name="rating_detail"),
    path("ratings/<int:pk>/reopen/", views.RatingReopenView.as_view(), name="rating_reopen"),
]
