from django.urls import path

from dudao.inspections.views import documents as views

urlpatterns = [
    path("visits/<int:pk>/documents/<str:kind>/", views.VisitDocumentView.as_view(), name="visit_document"),
    path("rectifications/documents/notices/", views.NoticesBatchView.as_view(), name="rectification_notices_batch"),
    path("rectifications/<int:pk>/documents/<str:kind>/", views.RectificationDocumentView.as_view(),
         name="rectification_document"),
    path("escalations/<int:pk>/documents/<str:kind>/", views.EscalationDocumentView.as_view(),
         name="escalation_document"),
]
