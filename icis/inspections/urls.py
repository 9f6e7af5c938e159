from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.InspectionListView.as_view(), name="inspection_list"),
    path("new/", views.InspectionFormView.as_view(), name="inspection_add"),
    path("<int:pk>/", views.InspectionDetailView.as_view(), name="inspection_detail"),
    path("<int:pk>/edit/", views.InspectionFormView.as_view(), name="inspection_edit"),
    path("<int:pk>/transition/", views.InspectionTransitionView.as_view(), name="inspection_transition"),
    path("<int:pk>/checklist/", views.ChecklistView.as_view(), name="checklist"),
    path("<int:pk>/findings/new/", views.FindingCreateView.as_view(), name="finding_add"),
    path("<int:pk>/violations/new/", views.ViolationCreateView.as_view(), name="violation_add"),
    path("findings/<int:pk>/edit/", views.FindingEditView.as_view(), name="finding_edit"),
    path("violations/<int:pk>/edit/", views.ViolationEditView.as_view(), name="violation_edit"),
    path("<int:pk>/follow-up/", views.FollowUpView.as_view(), name="follow_up"),
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", views.PlanFormView.as_view(), name="plan_add"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", views.PlanFormView.as_view(), name="plan_edit"),
    path("plans/<int:pk>/draft-visits/", views.PlanDraftVisitsView.as_view(), name="plan_draft_visits"),
    path("plans/<int:pk>/transition/", views.PlanTransitionView.as_view(), name="plan_transition"),
    path("violations/", views.ViolationRegisterView.as_view(), name="violation_list"),
    path("violations/<int:pk>/", views.ViolationDetailView.as_view(), name="violation_detail"),
    path("reports/", views.ReportView.as_view(), name="report"),
]
