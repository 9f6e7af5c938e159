from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("form-04/", views.Form04View.as_view(), name="form04"),
    path("form-03/", views.Form03View.as_view(), name="form03"),
]
