from django.urls import path

from . import job_views

app_name = "core"

urlpatterns = [
    path("<int:pk>/", job_views.JobDetailView.as_view(), name="job_detail"),
    path("<int:pk>/progress/", job_views.JobProgressView.as_view(), name="job_progress"),
    path("<int:pk>/retry/", job_views.JobRetryView.as_view(), name="job_retry"),
]
