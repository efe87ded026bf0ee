from dudao.inspections import urls_documents, urls_rectifications, urls_visits

app_name = "inspections"

urlpatterns = [*urls_visits.urlpatterns, *urls_rectifications.urlpatterns, *urls_documents.urlpatterns]
