"""Base API viewsets: scoped querysets, ETag on reads, If-Match on writes."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The object changed since you read it."
    default_code = "stale"


def etag_for(obj) -> str:
    return f'"{obj.pk}-{obj.version}"'


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag you read. A stale one gets 412; leaving it out is allowed for now (last write checked "
    "only against concurrent saves).",
)


class ScopedViewSet(viewsets.GenericViewSet):
    """Every API list and detail goes through `restrict(user, action)`: out of scope is 404."""

    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        action = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return self.get_base_queryset().restrict(self.request.user, action)

    def get_base_queryset(self):
        raise NotImplementedError


class VersionedUpdateMixin:
    """Send an ETag with each object; refuse a PATCH/PUT whose If-Match names an older version."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_for(self.get_object())
        return response

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["expected_version"] = getattr(self, "_expected_version", None)
        return context

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        if_match = request.headers.get("If-Match")
        if if_match is not None:
            wanted = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
            if "*" not in wanted and etag_for(instance) not in wanted:
                raise PreconditionFailed(
                    f"If-Match {if_match} is stale: the object is now at ETag {etag_for(instance)}. "
                    "GET it again and reapply your change."
                )
            self._expected_version = instance.version
        response = super().update(request, *args, **kwargs)
        if response.status_code == 200:
            response["ETag"] = etag_for(self.get_object())
        return response
