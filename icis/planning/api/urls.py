from . import views

ROUTES = [
    ("annual-plans", views.AnnualPlanViewSet, "annual-plan"),
    ("development-plans", views.DevelopmentPlanViewSet, "development-plan"),
    ("plan-entries", views.PlanEntryViewSet, "plan-entry"),
    ("plan-amendments", views.AmendmentViewSet, "plan-amendment"),
    ("amendment-changes", views.AmendmentChangeViewSet, "amendment-change"),
]
urlpatterns = []
