from django.urls import path

from dudao.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("<int:pk>/open/", views.NotificationOpenView.as_view(), name="open"),
]
