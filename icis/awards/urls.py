from django.urls import path

from . import views

app_name = "awards"
urlpatterns = [
    path("", views.NominationListView.as_view(), name="nomination_list"),
    path("new/", views.NominationCreateView.as_view(), name="nomination_add"),
    path("yearly/", views.YearlyListView.as_view(), name="yearly_list"),
    path("<int:pk>/", views.NominationDetailView.as_view(), name="nomination_detail"),
    path("<int:pk>/edit/", views.NominationEditView.as_view(), name="nomination_edit"),
    path("<int:pk>/status/", views.NominationTransitionView.as_view(), name="nomination_transition"),
]
