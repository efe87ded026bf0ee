from django.urls import path

from dudao.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.LanguageView.as_view(), name="language"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("roles/", views.MembershipListView.as_view(), name="membership_list"),
    path("roles/add/", views.MembershipGrantView.as_view(), name="membership_add"),
    path("roles/<int:pk>/<str:name>/", views.MembershipActionView.as_view(), name="membership_action"),
]
