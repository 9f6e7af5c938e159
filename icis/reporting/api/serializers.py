from rest_framework import serializers

from icis.tenancy import periods


class ReportQuerySerializer(serializers.Serializer):
    period = serializers.CharField(
        required=False,
        help_text="YYYY-H1 (half year, 15/12–14/06) or YYYY-Y (year, 15/12–14/12); default: the "
        "latest period that has ended",
    )

    def validate_period(self, value):
        try:
            return periods.parse(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error), code="period") from None


class Form03QuerySerializer(ReportQuerySerializer):
    commune = serializers.CharField(help_text="GSO code of the commune, e.g. 10273")


class IndicatorSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="As numbered on the form: 1–27, with 15.1–15.4 and 16.1–16.4")
    label = serializers.CharField(help_text="The indicator in the signed wording of Circular 14 Appendix I")
    label_en = serializers.CharField(help_text="An English gloss of `label`")
    unit = serializers.CharField(help_text="Cụm, ha, Tỷ đồng, %, Dự án or Người")
    unit_en = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="Counts are integers; null when it cannot be computed")
    source = serializers.ChoiceField(
        choices=[
            "development plan",
            "registry",
            "construction milestones",
            "computed occupancy",
            "tenant projects",
            "accepted Form 01 submissions",
            "accepted Form 02 submissions",
            "accepted Form 01 and Form 02 submissions",
            "wastewater plant register",
        ],
        help_text="What the figure is computed from; items 26–27 name the other source's answer in `note` "
        "where the two disagree",
    )
    note = serializers.CharField(allow_blank=True, help_text="The form's notes column (Vietnamese)")
    note_en = serializers.CharField(allow_blank=True)
    plan_value = serializers.FloatField(
        allow_null=True,
        help_text="Items 1–2 of Form 04: the development plan's figure (also their `value`); null elsewhere",
    )


class AreaReportSerializer(serializers.Serializer):
    form = serializers.ChoiceField(choices=["03", "04"])
    period = serializers.CharField()
    period_start = serializers.DateField()
    as_of = serializers.DateField(help_text="The period's last day: every figure is as of this date")
    deadline = serializers.DateField(
        help_text='The day the circular names after "trước ngày": the report is due before it'
    )
    area = serializers.CharField()
    commune = serializers.CharField(allow_null=True)
    reporting_unit = serializers.CharField()
    indicators = IndicatorSerializer(many=True)
    remarks = serializers.ListField(child=serializers.CharField())
