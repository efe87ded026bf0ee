from django.urls import path

from dudao.inspections.views import rectifications as views

urlpatterns = [
    path("findings/", views.FindingListView.as_view(), name="finding_list"),
    path("findings/add/", views.FindingAddView.as_view(), name="finding_add"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding_detail"),
    path("findings/<int:pk>/issue/", views.RectificationIssueView.as_view(), name="rectification_issue"),
    path("rectifications/", views.RectificationListView.as_view(), name="rectification_list"),
    path("rectifications/by-region/", views.ProblemsByRegionView.as_view(), name="problems_by_region"),
    path("rectifications/overdue/", views.OverdueListView.as_view(), name="overdue_list"),
    path("rectifications/deadlines/", views.DeadlinePolicyView.as_view(), name="deadline_policy"),
    path("rectifications/<int:pk>/", views.RectificationDetailView.as_view(), name="rectification_detail"),
    path("rectifications/<int:pk>/escalate/", views.RectificationEscalateView.as_view(), name="rectification_escalate"),
    path("rectifications/<int:pk>/<str:name>/", views.RectificationTransitionView.as_view(),
         name="rectification_transition"),
]
