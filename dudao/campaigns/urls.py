from django.urls import path

from dudao.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign_list"),
    path("add/", views.CampaignCreateView.as_view(), name="campaign_add"),
    path("<int:pk>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
    path("<int:pk>/edit/", views.CampaignEditView.as_view(), name="campaign_edit"),
    path("<int:pk>/transition/<str:name>/", views.CampaignTransitionView.as_view(), name="campaign_transition"),
    path("<int:pk>/teams/add/", views.TeamEditView.as_view(), name="team_add"),
    path("<int:pk>/teams/<int:team_pk>/", views.TeamEditView.as_view(), name="team_edit"),
    path("<int:pk>/results/", views.CampaignTableView.as_view(kind="results"), name="campaign_results"),
    path("<int:pk>/rectifications/", views.CampaignTableView.as_view(kind="rectifications"),
         name="campaign_rectifications"),
    path("<int:pk>/report/", views.CampaignReportView.as_view(), name="campaign_report"),
    path("targets/", views.TargetListView.as_view(), name="target_list"),
    path("targets/<int:pk>/", views.TargetDetailView.as_view(), name="target_detail"),
    path("targets/<int:pk>/<str:name>/", views.TargetActionView.as_view(), name="target_action"),
    path("problems/<int:pk>/issue/", views.ProblemIssueView.as_view(), name="problem_issue"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
]
