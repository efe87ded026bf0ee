from django.urls import path

from dudao.core.views import object_paths
from dudao.directives import views

app_name = "directives"

urlpatterns = [
    *object_paths("", "directive", list=views.DirectiveListView, add=views.DirectiveCreateView,
                  detail=views.DirectiveDetailView, edit=views.DirectiveEditView,
                  transition=views.DirectiveTransitionView),
    path("<int:pk>/items/add/", views.ItemAddView.as_view(), name="item_add"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item_detail"),
    path("items/<int:pk>/act/<str:name>/", views.ItemActionView.as_view(), name="item_action"),
    path("items/<int:pk>/<str:name>/", views.ItemTransitionView.as_view(), name="item_transition"),
    path("files/<int:pk>/", views.FileDownloadView.as_view(), name="file_download"),
]
