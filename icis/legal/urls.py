from django.urls import path

from . import views

app_name = "legal"
urlpatterns = [path("clusters/<int:pk>/", views.EligibilityView.as_view(), name="eligibility")]
