"""What only the benchmark's settings load: a query counter and the constant "floor" endpoint."""

from django.db import connection
from django.urls import include, path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class QueryCountMiddleware:
    """Says in the `X-Bench-Queries` header how many SQL statements the request ran (all middleware included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response


class FloorView(APIView):
    """A constant answer behind the same middleware and authentication as every API endpoint."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("bench/floor/", FloorView.as_view()),
    path("", include("config.urls")),
]
