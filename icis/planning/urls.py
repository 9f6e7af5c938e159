from django.urls import path

from . import task_views, version_views, views

app_name = "planning"
urlpatterns = [
    path("", views.PlanningHomeView.as_view(), name="home"),
    path("versions/", version_views.PlanVersionListView.as_view(), name="versions"),
    path("versions/new/", version_views.PlanVersionFormView.as_view(), name="version_add"),
    path("versions/<int:pk>/", version_views.PlanVersionView.as_view(), name="version"),
    path("versions/<int:pk>/edit/", version_views.PlanVersionFormView.as_view(), name="version_edit"),
    path("versions/<int:plan>/amendments/new/", version_views.AmendmentFormView.as_view(), name="amendment_add"),
    path("versions/<int:pk>/compare/", version_views.PlanCompareView.as_view(), name="compare"),
    path("versions/<int:plan>/entries/new/", version_views.PlanEntryFormView.as_view(), name="entry_add"),
    path("entries/<int:pk>/edit/", version_views.PlanEntryFormView.as_view(), name="entry_edit"),
    path("annual/<int:pk>/", views.AnnualPlanView.as_view(), name="annual_plan"),
    path("amendments/<int:pk>/", views.AmendmentView.as_view(), name="amendment"),
    path("amendments/<int:pk>/edit/", version_views.AmendmentFormView.as_view(), name="amendment_edit"),
    path("amendments/<int:amendment>/changes/new/", version_views.AmendmentChangeFormView.as_view(), name="change_add"),
    path("amendment-changes/<int:pk>/edit/", version_views.AmendmentChangeFormView.as_view(), name="change_edit"),
    path("amendment-changes/<int:pk>/delete/", version_views.AmendmentChangeDeleteView.as_view(), name="change_delete"),
    path("tasks/", task_views.MyTasksView.as_view(), name="my_tasks"),
    path("tasks/<int:pk>/", task_views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/progress/", task_views.TaskRecordView.as_view(), name="task_record"),
]
