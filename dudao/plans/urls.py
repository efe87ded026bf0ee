from django.urls import path

from dudao.core.views import object_paths
from dudao.plans import views

app_name = "plans"

urlpatterns = [
    *object_paths("", "workplan", list=views.WorkPlanListView, add=views.WorkPlanCreateView,
                  detail=views.WorkPlanDetailView, edit=views.WorkPlanEditView, delete=views.WorkPlanDeleteView,
                  transition=views.WorkPlanTransitionView),
    path("tasks/prescribe/", views.TaskPrescribeView.as_view(), name="task_prescribe"),
    path("tasks/completion/", views.TaskCompletionView.as_view(), name="task_completion"),
    *object_paths("tasks/", "task", list=views.TaskListView, add=views.TaskCreateView, detail=views.TaskDetailView,
                  edit=views.TaskEditView, delete=views.TaskDeleteView, transition=views.TaskTransitionView),
]
