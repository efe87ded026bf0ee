from django.urls import path

from dudao.inspectors import views_public

app_name = "inspectors_public"

urlpatterns = [
    # /p/<school id>-<signed token>/: the address on the signboard's QR code
    path("<int:pk>-<str:token>/", views_public.PublicSchoolView.as_view(), name="school"),
]
