from django.urls import path

from dudao.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.WorkPlanListView.as_view(), name="workplan_list"),
    path("add/", views.WorkPlanCreateView.as_view(), name="workplan_add"),
    path("<int:pk>/", views.WorkPlanDetailView.as_view(), name="workplan_detail"),
    path("<int:pk>/edit/", views.WorkPlanEditView.as_view(), name="workplan_edit"),
    path("<int:pk>/delete/", views.WorkPlanDeleteView.as_view(), name="workplan_delete"),
    path("<int:pk>/transition/<str:name>/", views.WorkPlanTransitionView.as_view(), name="workplan_transition"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/add/", views.TaskCreateView.as_view(), name="task_add"),
    path("tasks/prescribe/", views.TaskPrescribeView.as_view(), name="task_prescribe"),
    path("tasks/completion/", views.TaskCompletionView.as_view(), name="task_completion"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    path("tasks/<int:pk>/delete/", views.TaskDeleteView.as_view(), name="task_delete"),
    path("tasks/<int:pk>/transition/<str:name>/", views.TaskTransitionView.as_view(), name="task_transition"),
]
