from django.urls import path

from dudao.inspections.views import visits as views

urlpatterns = [
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/add/", views.VisitEditView.as_view(), name="visit_add"),
    path("visits/sync/", views.VisitSyncView.as_view(), name="visit_sync"),
    path("visits/sw.js", views.VisitServiceWorkerView.as_view(), name="visit_service_worker"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", views.VisitEditView.as_view(), name="visit_edit"),
    path("visits/<int:pk>/transition/<str:name>/", views.VisitTransitionView.as_view(), name="visit_transition"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("attachments/<int:pk>/stamped/", views.AttachmentStampedView.as_view(), name="attachment_stamped"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
]
