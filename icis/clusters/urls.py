from django.urls import path

from . import views

app_name = "clusters"
urlpatterns = [
    path("", views.ClusterListView.as_view(), name="cluster_list"),
    path("new/", views.ClusterFormView.as_view(), name="cluster_add"),
    path("<int:pk>/", views.ClusterDetailView.as_view(), name="cluster_detail"),
    path("<int:pk>/edit/", views.ClusterFormView.as_view(), name="cluster_edit"),
    path("<int:pk>/as-of/", views.ClusterAsOfView.as_view(), name="cluster_as_of"),
    path("<int:pk>/transition/", views.ClusterTransitionView.as_view(), name="cluster_transition"),
]
