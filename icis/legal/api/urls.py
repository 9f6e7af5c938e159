from django.urls import path

from . import views

ROUTES = []
urlpatterns = [path("clusters/<int:pk>/eligibility/", views.EligibilityView.as_view(), name="cluster-eligibility")]
