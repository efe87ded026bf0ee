from django.urls import path

from dudao.assessment import views

app_name = "assessment"

# included under /assessment/, the paths the pages always had
urlpatterns = [
    path("", views.AssessmentTableView.as_view(), name="assessment"),
    path("weighting/", views.AssessmentPolicyView.as_view(), name="assessment_policy"),
    path("inspectors/<int:pk>/", views.AssessmentProfileView.as_view(), name="assessment_profile"),
    path("inspectors/<int:pk>/rate/", views.RatingFormView.as_view(), name="rating_add"),
    path("ratings/", views.RatingListView.as_view(), name="rating_list"),
]
