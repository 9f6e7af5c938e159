from . import views

ROUTES = [
    ("annual-plans", views.AnnualPlanViewSet, "annual-plan"),
    ("plan-amendments", views.AmendmentViewSet, "plan-amendment"),
]
urlpatterns = []
