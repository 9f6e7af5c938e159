"""The registry import's writes in bulk: new documents, new clusters (with their communes, former units, sectors,
status history and documents) and new plan entries, a few statements per table instead of several per row.

They leave what the registry's services leave (a test compares the two on one workbook): the same rows, the
same status-history rows (actor, interface, reasons), and the same field history (django-simple-history) —
each object's historical records in the services' order, each by the importing user and through the import
channel, with the snapshots of its links that the services' saves record. The checks the services make are
made here too, or were made by the workbook's check (codes unique in the file and in ICIS, communes of the
province, look-alike names confirmed, areas plausible); the database enforces the constraints on insert.
Changes to records already in ICIS stay with the services (`imports.Check.write`).
"""

from django.apps import apps
from django.utils.translation import gettext as _

from icis.clusters import kept as clusters_kept
from icis.clusters import services as cluster_services
from icis.clusters.choices import CommuneBasis
from icis.clusters.models import Cluster, ClusterCommune, StatusChange
from icis.core import channel
from icis.core.imports import bulk as shared
from icis.core.text import fold, search_words
from icis.documents.models import Document
from icis.planning.models import PlanEntry

BATCH = shared.BATCH


_clean = shared.clean  # `full_clean` without its per-row queries
_history = shared.history


def build_document(data: dict) -> Document:
    """The Document `document_services.document_create` saves for `data` (raises ValidationError)."""
    document = Document(**data)
    if document.issued_on and not document.year:
        document.year = document.issued_on.year
    _clean(document)
    document.search_text = search_words(
        document.number, document.number.replace("/", " "), document.issuer, document.summary
    )
    return document


def create_documents(documents: list[Document], *, actor) -> None:
    Document.objects.bulk_create(documents, batch_size=BATCH)
    _history(Document, documents, actor=actor)


class NewCluster:
    """One new cluster to write: the object, its path of steps, its links."""

    __slots__ = ("cluster", "path", "communes", "lead", "legacy", "sectors", "documents", "park", "row")

    def __init__(self, cluster, path, communes, lead, legacy, sectors, park, row):
        self.cluster, self.path, self.communes, self.lead = cluster, path, communes, lead
        self.legacy, self.sectors, self.park, self.row = legacy, sectors, park, row
        self.documents = sorted({s.document.pk for s in path if s.document is not None})


def build_cluster(data: dict, *, path: list, synthetic: bool) -> Cluster:
    """The Cluster `cluster_create` saves for `data` and the history `path` (raises ValidationError)."""
    cluster = Cluster(**{k: v for k, v in data.items() if k in cluster_services.EDITABLE_FIELDS})
    cluster_services.check_investor_kind(cluster.investor)
    last = path[-1]
    cluster.status, cluster.status_since = last.to_status, last.effective_on
    cluster.is_synthetic = synthetic
    _clean(cluster)
    district = cluster.legacy_district.name if cluster.legacy_district_id else ""
    cluster.sort_name = fold(cluster.name)
    cluster.search_text = search_words(
        cluster.code, cluster.code.replace("-", ""), cluster.name, cluster.name_ascii, district
    )
    return cluster


M2M = (  # in the order cluster_create (then the import) sets them
    ("legacy_communes", "legacycommune_id", "legacy"),
    ("sectors", "sector_id", "sectors"),
)


def create_clusters(new: list[NewCluster], *, actor) -> None:
    """Write the new clusters and everything the services write with them, in the services' order:
    the cluster (+), its communes (+ each, then ~ on the lead), its former communes (~ with their snapshot), its
    sectors (~), its status rows, its industrial park name (~), its documents (~)."""
    if not new:
        return
    clusters = [item.cluster for item in new]
    parks = {}
    for item in new:
        if item.park:
            parks[id(item.cluster)] = item.park
            item.cluster.industrial_park_name = ""  # the services save it after the cluster (its own record)
    Cluster.objects.bulk_create(clusters, batch_size=BATCH)
    _history(Cluster, clusters, actor=actor)
    links, leads = [], []
    for item in new:
        for code in item.communes:
            link = ClusterCommune(cluster=item.cluster, commune_id=code, basis=CommuneBasis.STATED, is_lead=False)
            links.append(link)
            if code == item.lead:
                leads.append(link)
    ClusterCommune.objects.bulk_create(links, batch_size=BATCH)
    _history(ClusterCommune, links, actor=actor)
    for link in leads:
        link.is_lead = True
    ClusterCommune.objects.filter(pk__in=[link.pk for link in leads]).update(is_lead=True)
    _history(ClusterCommune, leads, actor=actor, update=True)
    snapshot: dict[int, dict[str, list]] = {item.cluster.pk: {} for item in new}  # cluster → field → through rows

    def link_m2m(field: str, column: str, items_values: list[tuple[NewCluster, list]]) -> None:
        through = getattr(Cluster, field).through
        rows = [
            through(cluster_id=item.cluster.pk, **{column: value}) for item, values in items_values for value in values
        ]
        through.objects.bulk_create(rows, batch_size=BATCH)
        for row in rows:
            snapshot[row.cluster_id].setdefault(field, []).append(row)
        changed = [item.cluster for item, values in items_values if values]
        record_with_links(changed)

    def record_with_links(changed: list[Cluster]) -> None:
        """A ~ record of each changed cluster with the snapshot of its links at that moment."""
        records = _history(Cluster, changed, actor=actor, update=True)
        for field in ("legacy_communes", "sectors", "documents"):
            model = apps.get_model("clusters", f"HistoricalCluster_{field}")
            other = {"legacy_communes": "legacycommune", "sectors": "sector", "documents": "document"}[field]
            rows = []
            for record, cluster in zip(records, changed, strict=True):
                for link in snapshot[cluster.pk].get(field, []):
                    rows.append(
                        model(
                            history=record,
                            id=link.pk,
                            cluster_id=cluster.pk,
                            **{f"{other}_id": getattr(link, f"{other}_id")},
                        )
                    )
            model.objects.bulk_create(rows, batch_size=BATCH)

    for field, column, attribute in M2M:
        link_m2m(field, column, [(item, getattr(item, attribute)) for item in new if getattr(item, attribute)])
    changes = []
    registered, recorded = _("Registered"), _("Recorded from the evidence")
    for item in new:
        previous = ""
        for step in item.path:
            changes.append(
                StatusChange(
                    cluster=item.cluster,
                    from_status=previous,
                    to_status=step.to_status,
                    effective_on=step.effective_on,
                    reason=step.reason or (registered if not previous else recorded),
                    document=step.document,
                    actor=actor,
                    interface=channel.current(),
                )
            )
            previous = step.to_status
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    written = [item.cluster.pk for item in new]
    for start in range(0, len(written), BATCH):  # the first dates kept (bulk_create sends no signal)
        clusters_kept.refresh(written[start : start + BATCH])
    parked = [item.cluster for item in new if id(item.cluster) in parks]
    for cluster in parked:
        cluster.industrial_park_name = parks[id(cluster)]
    if parked:
        Cluster.objects.bulk_update(parked, ["industrial_park_name"], batch_size=BATCH)
        record_with_links(parked)
    link_m2m("documents", "document_id", [(item, item.documents) for item in new if item.documents])


def build_entry(plan, cluster, data: dict) -> PlanEntry:
    entry = PlanEntry(plan=plan, cluster=cluster)
    for key, value in data.items():
        setattr(entry, key, value)
    _clean(entry)
    return entry


def create_entries(entries: list[PlanEntry], *, actor) -> None:
    PlanEntry.objects.bulk_create(entries, batch_size=BATCH)
    _history(PlanEntry, entries, actor=actor)
