from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from icis.accounts.models import Organisation
from icis.clusters.models import Cluster, ClusterExpansion
from icis.core.api.serializers import ScopedRelationsMixin
from icis.documents.models import Document

from .. import ladder
from ..choices import DossierKind, SelectionOutcome, StepState
from ..models import Applicant, Dossier, DossierStep


class ProofSerializer(serializers.Serializer):
    """The document that proves a step, as people cite it."""

    record = serializers.IntegerField(source="pk")
    document = serializers.IntegerField(source="document_id")
    doc_type = serializers.CharField(source="document.doc_type")
    number = serializers.CharField(source="document.number")
    issuer = serializers.CharField(source="document.issuer")
    date = serializers.DateField()


class StepRecordSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True, allow_null=True)
    number = serializers.CharField(source="document.number", read_only=True)
    doc_type = serializers.CharField(source="document.doc_type", read_only=True)

    class Meta:
        model = DossierStep
        fields = [
            "id",
            "step",
            "document",
            "number",
            "doc_type",
            "date",
            "amends",
            "skip_reason",
            "note",
            "actor",
            "created_at",
        ]
        read_only_fields = fields


class StepRefSerializer(serializers.Serializer):
    """A step of the ladder: what proves it and, where the decree sets one, when it is due."""

    number = serializers.IntegerField()
    title = serializers.CharField(source="step.title")
    document_type = serializers.CharField(source="step.document_type")
    document_types = serializers.ListField(child=serializers.CharField(), source="step.document_types")
    due = serializers.DateField(allow_null=True)


class RungSerializer(StepRefSerializer):
    state = serializers.ChoiceField(choices=StepState.choices)
    overdue = serializers.SerializerMethodField()
    rule = serializers.CharField(source="rule_text", allow_blank=True)
    legal_basis = serializers.SerializerMethodField()
    deadline_version = serializers.SerializerMethodField()
    anchor_date = serializers.DateField(allow_null=True)
    late_days = serializers.IntegerField()
    overdue_days = serializers.IntegerField()
    skip_reason = serializers.CharField(allow_blank=True)
    caveats = serializers.ListField(child=serializers.CharField())
    proof = serializers.SerializerMethodField()
    records = StepRecordSerializer(many=True)

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, rung):
        return rung.state == StepState.OVERDUE

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_legal_basis(self, rung):
        return rung.rule.basis if rung.rule else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_deadline_version(self, rung):
        """The code of the procedure version the deadline was counted under."""
        return rung.rule.version if rung.rule else None

    @extend_schema_field(ProofSerializer(allow_null=True))
    def get_proof(self, rung):
        return ProofSerializer(rung.head).data if rung.head else None


class ApplicantSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    total = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True, allow_null=True)
    qualifies = serializers.BooleanField(read_only=True, allow_null=True)
    rank = serializers.SerializerMethodField()
    scheme = serializers.CharField(source="scheme.name", read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())

    class Meta:
        model = Applicant
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "infrastructure_score",
            "environment_score",
            "capacity_score",
            "financial_score",
            "total",
            "qualifies",
            "rank",
            "scheme",
            "note",
            "version",
        ]
        read_only_fields = ["version"]
        validators = []  # one application per organisation: the service says so in words

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_rank(self, applicant):
        return getattr(applicant, "rank", None)


class SelectionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=SelectionOutcome.choices)
    message = serializers.CharField()
    winner = serializers.SerializerMethodField()
    tied = serializers.SerializerMethodField()
    pass_mark = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    decided_by_chair = serializers.BooleanField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_winner(self, result):
        return result["winner"].pk if result["winner"] else None

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_tied(self, result):
        return [applicant.pk for applicant in result["tied"]]


class DossierSerializer(ScopedRelationsMixin, serializers.ModelSerializer):
    """A dossier with where it stands. Writable on creation: cluster, kind, expansion, opened_on, note."""

    cluster = serializers.PrimaryKeyRelatedField(queryset=Cluster.objects.all())
    cluster_name = serializers.CharField(source="cluster.name", read_only=True)
    kind = serializers.ChoiceField(choices=DossierKind.choices)
    expansion = serializers.PrimaryKeyRelatedField(
        queryset=ClusterExpansion.objects.all(), required=False, allow_null=True
    )
    current_step = serializers.SerializerMethodField()
    current_proof = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "id",
            "cluster",
            "cluster_name",
            "kind",
            "expansion",
            "opened_on",
            "complete_on",
            "outcome",
            "closed_on",
            "note",
            "current_step",
            "current_proof",
            "next_step",
            "overdue",
            "version",
        ]
        read_only_fields = ["complete_on", "outcome", "closed_on", "version"]
        validators = []  # one live dossier per cluster or expansion: the service says so in words

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            for name, model in (("cluster", Cluster), ("expansion", ClusterExpansion)):
                self.fields[name].queryset = model.objects.restrict(request.user, "change")

    def _state(self, dossier):
        if not hasattr(dossier, "state"):
            from .. import selectors

            dossier.state = selectors.dossier_state(
                dossier, calendar=self.context.get("calendar"), versions=self.context.get("procedure_versions")
            )
        return dossier.state

    @extend_schema_field(serializers.IntegerField())
    def get_current_step(self, dossier):
        return self._state(dossier).current_step

    @extend_schema_field(ProofSerializer(allow_null=True))
    def get_current_proof(self, dossier):
        record = self._state(dossier).current_record
        return ProofSerializer(record).data if record else None

    @extend_schema_field(StepRefSerializer(allow_null=True))
    def get_next_step(self, dossier):
        rung = self._state(dossier).next
        return StepRefSerializer(rung).data if rung else None

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, dossier):
        return self._state(dossier).is_overdue


class ProcedureSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    legal_basis = serializers.CharField()
    effective_from = serializers.DateField()
    is_verified = serializers.BooleanField()


class DossierDetailSerializer(DossierSerializer):
    procedure = serializers.SerializerMethodField(help_text="the deadline version in force on the opening day")
    steps = serializers.SerializerMethodField()
    applicants = serializers.SerializerMethodField()
    selection = serializers.SerializerMethodField()

    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "procedure", "steps", "applicants", "selection"]

    @extend_schema_field(ProcedureSerializer(allow_null=True))
    def get_procedure(self, dossier):
        procedure = self._state(dossier).procedure
        return ProcedureSerializer(procedure).data if procedure else None

    def _selection(self, dossier):
        if not hasattr(dossier, "selection"):
            from .. import selectors

            dossier.selection = selectors.selection_result(dossier)
        return dossier.selection

    @extend_schema_field(RungSerializer(many=True))
    def get_steps(self, dossier):
        return RungSerializer(self._state(dossier).rungs, many=True).data

    @extend_schema_field(ApplicantSerializer(many=True))
    def get_applicants(self, dossier):
        return ApplicantSerializer(self._selection(dossier)["applicants"], many=True).data

    @extend_schema_field(SelectionSerializer)
    def get_selection(self, dossier):
        return SelectionSerializer(self._selection(dossier)).data


class StepInputSerializer(ScopedRelationsMixin, serializers.Serializer):
    step = serializers.IntegerField(min_value=1, max_value=ladder.LAST_STEP)
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all())
    date = serializers.DateField(required=False, allow_null=True, help_text="Default: the document's date issued.")
    amends = serializers.IntegerField(
        required=False, allow_null=True, help_text="The record (id) of the same step this one corrects or replaces."
    )
    skip_reason = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["document"].queryset = Document.objects.restrict(request.user)


class ChairDecisionSerializer(ScopedRelationsMixin, serializers.Serializer):
    applicant = serializers.IntegerField()
    note = serializers.CharField()
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.all(), required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["document"].queryset = Document.objects.restrict(request.user)
