from django.urls import path

from dudao.complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.ComplaintListView.as_view(), name="complaint_list"),
    path("<int:pk>/", views.ComplaintDetailView.as_view(), name="complaint_detail"),
    path("<int:pk>/assign/", views.ComplaintAssignView.as_view(), name="complaint_assign"),
    path("<int:pk>/finding/", views.ComplaintFindingView.as_view(), name="complaint_finding"),
    path("<int:pk>/notice/", views.ComplaintNoticeView.as_view(), name="complaint_notice"),
    path("<int:pk>/photos/<int:photo>/", views.ComplaintPhotoView.as_view(), name="photo"),
    path("<int:pk>/<str:name>/", views.ComplaintTransitionView.as_view(), name="complaint_transition"),
    path("time-limit/", views.ComplaintPolicyView.as_view(), name="policy"),
    path("published/", views.PublicationListView.as_view(), name="publication_list"),
    path("published/add/", views.PublicationPublishView.as_view(), name="publication_publish"),
    path("published/<int:pk>/withdraw/", views.PublicationWithdrawView.as_view(), name="publication_withdraw"),
    path("public-page/<int:school>/", views.PublicPageLinkView.as_view(), name="public_page"),
]
