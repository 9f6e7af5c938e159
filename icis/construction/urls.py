from django.urls import path

from . import views

app_name = "construction"
# The site-visit pages of wave 1 moved to inspections (docs/inspections.md): their addresses send users on.
visits_moved = views.MovedView.as_view
urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("summary/", views.SummaryView.as_view(), name="summary"),
    path("briefing/", views.BriefingView.as_view(), name="briefing"),
    path("clusters/<int:pk>/", views.ClusterProgressView.as_view(), name="cluster_progress"),
    path("clusters/<int:pk>/reports/new/", views.ReportSubmitView.as_view(), name="report_add"),
    path("clusters/<int:pk>/milestones/", views.MilestoneFormView.as_view(), name="milestone_edit"),
    path("clusters/<int:pk>/obstacles/new/", views.ObstacleCreateView.as_view(), name="obstacle_add"),
    path("clusters/<int:pk>/visits/new/", visits_moved(moved_name="construction:visit_add"), name="visit_add"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("obstacles/", views.ObstacleListView.as_view(), name="obstacle_list"),
    path("obstacles/<int:pk>/", views.ObstacleEditView.as_view(), name="obstacle_edit"),
    path("visits/", visits_moved(moved_name="construction:visit_plans"), name="visit_plans"),
    path("visits/<int:pk>/", visits_moved(moved_name="construction:visit_plan"), name="visit_plan"),
    path("photos/<int:pk>/", visits_moved(moved_name="construction:photo"), name="photo"),
]
