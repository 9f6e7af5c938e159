from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.PlanningHomeView.as_view(), name="home"),
    path("annual/<int:pk>/", views.AnnualPlanView.as_view(), name="annual_plan"),
    path("amendments/<int:pk>/", views.AmendmentView.as_view(), name="amendment"),
]
