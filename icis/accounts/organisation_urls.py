from django.urls import path

from . import organisations as views

app_name = "organisations"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="list"),
    path("new/", views.OrganisationFormView.as_view(), name="add"),
    path("<int:pk>/", views.OrganisationDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.OrganisationFormView.as_view(), name="edit"),
]
