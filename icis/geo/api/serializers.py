from rest_framework import serializers

from ..models import Commune, CommuneMerge, Province


class ProvinceSerializer(serializers.ModelSerializer):
    communes = serializers.IntegerField(source="commune_count", read_only=True)

    class Meta:
        model = Province
        fields = ["code", "name", "communes"]


class MergedUnitSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="legacy_commune.code")
    name = serializers.CharField(source="legacy_commune.name")
    type = serializers.CharField(source="merge_type")
    legacy_district_code = serializers.CharField(source="legacy_commune.district.code")
    legacy_district = serializers.CharField(source="legacy_commune.district.name")
    legacy_province_code = serializers.CharField(source="legacy_commune.district.legacy_province_code")
    legacy_province = serializers.CharField(source="legacy_commune.district.legacy_province_name")

    class Meta:
        model = CommuneMerge
        fields = [
            "code",
            "name",
            "type",
            "legacy_district_code",
            "legacy_district",
            "legacy_province_code",
            "legacy_province",
        ]


class CommuneSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province_id")
    merged_from = MergedUnitSerializer(source="merges", many=True, read_only=True)

    class Meta:
        model = Commune
        fields = ["code", "name", "province", "mountainous", "merged_from"]
