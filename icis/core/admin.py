class ScopedAdminMixin:
    """Admin lists and detail pages go through the same `restrict(user)` as pages and API."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)
