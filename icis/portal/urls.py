"""DoIT's portal pages (signed in): publications, the enquiry pipeline, conversion."""

from django.urls import path

from . import views

app_name = "portal_admin"

urlpatterns = [
    path("", views.PublicationListView.as_view(), name="publication_list"),
    path("clusters/<int:pk>/", views.PublicationEditView.as_view(), name="publication_edit"),
    path("enquiries/", views.EnquiryListView.as_view(), name="enquiry_list"),
    path("enquiries/<int:pk>/", views.EnquiryDetailView.as_view(), name="enquiry_detail"),
    path("enquiries/<int:pk>/edit/", views.EnquiryUpdateView.as_view(), name="enquiry_edit"),
    path("enquiries/<int:pk>/transition/", views.EnquiryTransitionView.as_view(), name="enquiry_transition"),
    path("conversion/", views.ConversionView.as_view(), name="conversion"),
]
