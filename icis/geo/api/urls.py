from . import views

ROUTES = [
    ("provinces", views.ProvinceViewSet, "province"),
    ("communes", views.CommuneViewSet, "commune"),
]
