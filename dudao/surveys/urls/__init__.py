from django.urls import path

from dudao.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.SurveyListView.as_view(), name="survey_list"),
    path("add/", views.SurveyAddView.as_view(), name="survey_add"),
    path("<int:pk>/", views.SurveyDetailView.as_view(), name="survey_detail"),
    path("<int:pk>/edit/", views.SurveyEditView.as_view(), name="survey_edit"),
    path("<int:pk>/results/", views.SurveyResultsView.as_view(), name="survey_results"),
    path("<int:pk>/qr/", views.SurveyQRSheetView.as_view(), name="survey_qr_sheet"),
    path("<int:pk>/codes/", views.SurveyCodesView.as_view(), name="survey_codes"),
    path("<int:pk>/transition/<str:name>/", views.SurveyTransitionView.as_view(), name="survey_transition"),
    path("links/<int:pk>/qr.png", views.LinkQRView.as_view(), name="link_qr"),
    path("links/<int:pk>/codes/", views.SurveyCodeSheetView.as_view(), name="link_codes"),
]
