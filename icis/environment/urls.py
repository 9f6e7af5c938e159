from django.urls import path

from . import views

app_name = "environment"
urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("plants/", views.PlantListView.as_view(), name="plant_list"),
    path("plants/new/", views.PlantFormView.as_view(), name="plant_add"),
    path("plants/<int:pk>/", views.PlantDetailView.as_view(), name="plant_detail"),
    path("plants/<int:pk>/edit/", views.PlantFormView.as_view(), name="plant_edit"),
    path("plants/<int:pk>/transition/", views.PlantTransitionView.as_view(), name="plant_transition"),
    path("plants/<int:pk>/samples/new/", views.SampleCreateView.as_view(), name="sample_add"),
    path("plants/<int:pk>/import/", views.ContinuousImportView.as_view(), name="continuous_import"),
    path("plants/<int:pk>/requirements/new/", views.RequirementCreateView.as_view(), name="requirement_add"),
    path("violations/<int:pk>/", views.ViolationDetailView.as_view(), name="violation_detail"),
    path("connections/", views.ConnectionListView.as_view(), name="connection_list"),
    path("connections/new/", views.ConnectionFormView.as_view(), name="connection_add"),
    path("connections/<int:pk>/edit/", views.ConnectionFormView.as_view(), name="connection_edit"),
    path("regulations/", views.RegulationListView.as_view(), name="regulation_list"),
]
