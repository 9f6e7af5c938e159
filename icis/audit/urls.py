from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.AuditLogView.as_view(), name="log"),
    path("<str:app_label>/<str:model_name>/<str:pk>/", views.ObjectHistoryView.as_view(), name="object_history"),
]
