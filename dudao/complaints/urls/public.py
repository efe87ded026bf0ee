from django.urls import path

from dudao.complaints.views import public as views_public

app_name = "public"

urlpatterns = [
    path("track/", views_public.TrackView.as_view(), name="track"),
    path("track/rate/", views_public.RateView.as_view(), name="rate"),
    # /p/<school id>-<signed token>/: the address on the signboard's QR code
    path("<int:pk>-<str:token>/", views_public.PublicSchoolView.as_view(), name="school"),
    path("<int:pk>-<str:token>/photo/", views_public.PublicPhotoView.as_view(), name="photo"),
    path("<int:pk>-<str:token>/reports/<int:publication>/", views_public.PublicReportView.as_view(), name="report"),
]
