from django.urls import path

from . import draft_views, views

app_name = "dossiers"
urlpatterns = [
    path("", views.DossierListView.as_view(), name="dossier_list"),
    path("new/", views.DossierOpenView.as_view(), name="dossier_add"),
    path("<int:pk>/", views.DossierDetailView.as_view(), name="dossier_detail"),
    path("<int:pk>/drafts/<int:step>/", draft_views.DossierDraftView.as_view(), name="draft"),
    path("applicants/<int:pk>/", views.ApplicantScoreView.as_view(), name="applicant_edit"),
]
