from django.views.generic import ListView


class FilteredListView(ListView):
    """A list page driven by the same FilterSet as the API: its query string works on both."""

    filterset_class = None

    def get_base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        self.filterset = self.filterset_class(self.request.GET or None, queryset=self.get_base_queryset())
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.get_base_queryset().none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        query.pop("ordering", None)
        context.update(filterset=self.filterset, sort_query=query.urlencode())
        return context
