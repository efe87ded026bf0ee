from django.urls import path

from dudao.inspectors import views
from dudao.inspectors.imports import InspectorImportView

app_name = "inspectors"

urlpatterns = [
    path("", views.InspectorListView.as_view(), name="inspector_list"),
    path("import/", InspectorImportView.as_view(), name="inspector_import"),
    path("add/", views.InspectorEditView.as_view(), name="inspector_add"),
    path("<int:pk>/", views.InspectorDetailView.as_view(), name="inspector_detail"),
    path("<int:pk>/edit/", views.InspectorEditView.as_view(), name="inspector_edit"),
    path("<int:pk>/delete/", views.InspectorDeleteView.as_view(), name="inspector_delete"),
    path("<int:pk>/transition/<str:name>/", views.InspectorTransitionView.as_view(), name="inspector_transition"),
    path("listings/", views.ListingListView.as_view(), name="listing_list"),
    path("schools/<int:pk>/listing/", views.SchoolListingAssignView.as_view(), name="school_listing_assign"),
    path("schools/<int:pk>/signboard/", views.SchoolSignboardView.as_view(), name="school_signboard"),
    path("schools/signboards/", views.SchoolSignboardsView.as_view(), name="school_signboards"),
]
