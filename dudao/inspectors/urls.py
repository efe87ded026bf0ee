from django.urls import path

from dudao.core.views import object_paths
from dudao.inspectors import views
from dudao.inspectors.imports import InspectorImportView, TrainingImportView
from dudao.inspectors.views import development

app_name = "inspectors"

urlpatterns = [
    path("import/", InspectorImportView.as_view(), name="inspector_import"),
    *object_paths("", "inspector", list=views.InspectorListView, add=views.InspectorEditView,
                  detail=views.InspectorDetailView, edit=views.InspectorEditView, delete=views.InspectorDeleteView,
                  transition=views.InspectorTransitionView),
    path("<int:pk>/photo/", views.InspectorPhotoView.as_view(), name="inspector_photo"),
    path("listings/", views.ListingListView.as_view(), name="listing_list"),
    path("schools/<int:pk>/listing/", views.SchoolListingAssignView.as_view(), name="school_listing_assign"),
    path("schools/<int:pk>/signboard/", views.SchoolSignboardView.as_view(), name="school_signboard"),
    path("schools/signboards/", views.SchoolSignboardsView.as_view(), name="school_signboards"),
    # inspector development: training file, cases, terms, the office's rules
    path("training/", development.TrainingRecordListView.as_view(), name="training_list"),
    path("training/add/", development.TrainingRecordEditView.as_view(), name="training_add"),
    path("training/import/", TrainingImportView.as_view(), name="training_import"),
    path("training/overview/", development.TrainingOverviewView.as_view(), name="training_overview"),
    path("training/<int:pk>/edit/", development.TrainingRecordEditView.as_view(), name="training_edit"),
    path("training/<int:pk>/delete/", development.TrainingRecordDeleteView.as_view(), name="training_delete"),
    path("training/<int:pk>/certificate/", development.TrainingCertificateView.as_view(), name="training_certificate"),
    path("<int:pk>/training/", development.TrainingLedgerView.as_view(), name="training_ledger"),
    path("cases/", development.CaseListView.as_view(), name="case_list"),
    path("cases/add/", development.CaseEditView.as_view(), name="case_add"),
    path("cases/<int:pk>/", development.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/edit/", development.CaseEditView.as_view(), name="case_edit"),
    path("cases/<int:pk>/attach/", development.CaseAttachView.as_view(), name="case_attach"),
    path("cases/<int:pk>/files/<int:attachment_id>/", development.CaseAttachmentView.as_view(), name="case_file"),
    path("cases/<int:pk>/transition/<str:name>/", development.CaseTransitionView.as_view(), name="case_transition"),
    path("terms/", development.TermListView.as_view(), name="term_list"),
    path("terms/<int:pk>/delete/", development.TermDeleteView.as_view(), name="term_delete"),
    path("<int:pk>/terms/add/", development.InspectorTermAddView.as_view(), name="term_add"),
    path("rules/", development.InspectorPolicyView.as_view(), name="policy"),
]
