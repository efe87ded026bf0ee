from django.urls import path

from dudao.core.views import object_paths
from dudao.instruments import views

app_name = "instruments"

urlpatterns = [
    path("import/", views.InstrumentImportView.as_view(), name="instrument_import"),
    *object_paths("", "instrument", list=views.InstrumentListView, add=views.InstrumentCreateView,
                  detail=views.InstrumentDetailView, edit=views.InstrumentEditView),
    path("<int:pk>/new-draft/", views.VersionNewDraftView.as_view(), name="version_new_draft"),
    path("<int:pk>/import/", views.VersionImportView.as_view(), name="version_import"),
    path("versions/<int:pk>/", views.VersionDetailView.as_view(), name="version_detail"),
    path("versions/<int:pk>/copy/", views.VersionCopyView.as_view(), name="version_copy"),
    path("versions/<int:pk>/export/", views.VersionExportView.as_view(), name="version_export"),
    path("versions/<int:pk>/discard/", views.VersionDiscardView.as_view(), name="version_discard"),
    path("versions/<int:pk>/transition/<str:name>/", views.VersionTransitionView.as_view(), name="version_transition"),
    path("versions/<int:pk>/items/add/", views.ItemAddView.as_view(), name="item_add"),
    path("items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/delete/", views.ItemDeleteView.as_view(), name="item_delete"),
    path("items/<int:pk>/move/<str:direction>/", views.ItemMoveView.as_view(), name="item_move"),
]
