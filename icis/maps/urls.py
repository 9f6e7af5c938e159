from django.urls import path

from . import views

app_name = "maps"

urlpatterns = [
    path("", views.MapView.as_view(), name="map"),
    path("clusters/<int:pk>/position/", views.ClusterPositionView.as_view(), name="cluster_position"),
]
