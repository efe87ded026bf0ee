from django.urls import path

from dudao.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.JobListView.as_view(), name="job_list"),
    path("<uuid:uuid>/", views.JobDetailView.as_view(), name="job_detail"),
    path("<uuid:uuid>/result/", views.JobResultView.as_view(), name="job_result"),
]
