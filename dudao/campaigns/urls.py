from django.urls import path

from dudao.campaigns import views
from dudao.core.views import object_paths

app_name = "campaigns"

urlpatterns = [
    *object_paths("", "campaign", list=views.CampaignListView, add=views.CampaignCreateView,
                  detail=views.CampaignDetailView, edit=views.CampaignEditView, transition=views.CampaignTransitionView),
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
