from . import channel


class ChangeChannelMiddleware:
    """Tag every change made during a request with the interface it came through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith("/api/"):
            via = channel.API
        elif path.startswith("/admin/"):
            via = channel.ADMIN
        else:
            via = channel.PAGE
        with channel.acting_via(via):
            return self.get_response(request)
