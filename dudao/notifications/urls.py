from django.urls import path

from dudao.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("<int:pk>/open/", views.NotificationOpenView.as_view(), name="open"),
    path("preferences/", views.PreferenceView.as_view(), name="preferences"),
    path("channels/", views.ChannelSettingsView.as_view(), name="channels"),
    path("deliveries/", views.DeliveryListView.as_view(), name="deliveries"),
]
