from django.urls import path

from dudao.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document_list"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("<int:pk>/download/<str:fmt>/", views.DocumentDownloadView.as_view(), name="download"),
    path("<int:pk>/pdf/", views.DocumentPdfView.as_view(), name="pdf"),
    path("bundle/", views.BundleStartView.as_view(), name="bundle_start"),
    path("templates/", views.TemplateListView.as_view(), name="template_list"),
    path("templates/upload/", views.TemplateUploadView.as_view(), name="template_upload"),
    path("templates/default/<str:kind>.docx", views.TemplateDefaultDownloadView.as_view(), name="template_default"),
    path("templates/<int:pk>/download/", views.TemplateDownloadView.as_view(), name="template_download"),
    path("templates/<int:pk>/activate/", views.TemplateActivateView.as_view(), name="template_activate"),
    path("templates/builtin/<str:kind>/", views.TemplateUseDefaultView.as_view(), name="template_use_default"),
]
