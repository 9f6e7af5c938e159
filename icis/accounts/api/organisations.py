from rest_framework import mixins, serializers

from icis.core.api.permissions import ModelPermissionsOrReadOnlyStaff
from icis.core.api.views import ScopedViewSet, VersionedUpdateMixin
from icis.core.validators import TAX_CODE

from .. import services
from ..models import Organisation
from ..organisations import OrganisationFilterSet


class OrganisationSerializer(serializers.ModelSerializer):
    tax_code = serializers.CharField(max_length=14, required=False, allow_blank=True, validators=[TAX_CODE])

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "tax_code", "address", "notes", "version"]
        read_only_fields = ["version"]
        validators = []  # the unique name is the model's, checked in the service

    def create(self, validated_data):
        return services.organisation_create(data=validated_data, actor=self.context["request"].user)

    def update(self, instance, validated_data):
        return services.organisation_update(
            organisation=instance,
            data=validated_data,
            actor=self.context["request"].user,
            expected_version=self.context.get("expected_version"),
        )


class ViewOrganisations(ModelPermissionsOrReadOnlyStaff):
    """Reading organisations needs accounts.view_organisation, as their page does; writing the model
    permission."""

    perms_map = {
        **ModelPermissionsOrReadOnlyStaff.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class OrganisationViewSet(
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Organisations: infrastructure investors (enterprises or public units), agencies, People's
    Committees, inspection teams. Only an investor kind may be named as a cluster's investor."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    permission_classes = [ViewOrganisations]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_base_queryset(self):
        return Organisation.objects.all()
