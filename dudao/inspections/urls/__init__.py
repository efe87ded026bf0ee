from dudao.inspections.urls import documents, rectifications, visits

app_name = "inspections"

urlpatterns = [*visits.urlpatterns, *rectifications.urlpatterns, *documents.urlpatterns]
