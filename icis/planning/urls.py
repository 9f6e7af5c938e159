from django.urls import path

from . import task_views, views

app_name = "planning"
urlpatterns = [
    path("", views.PlanningHomeView.as_view(), name="home"),
    path("annual/<int:pk>/", views.AnnualPlanView.as_view(), name="annual_plan"),
    path("amendments/<int:pk>/", views.AmendmentView.as_view(), name="amendment"),
    path("tasks/", task_views.MyTasksView.as_view(), name="my_tasks"),
    path("tasks/<int:pk>/", task_views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/progress/", task_views.TaskRecordView.as_view(), name="task_record"),
]
