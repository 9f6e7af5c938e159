"""Names that deceive: a new cluster whose name is, or looks like, another's in the same province.

Two clusters may share a name ("Thanh Oai" and "Thanh Oai 2"), a cluster may be named after a place it does
not lie in, and a cluster converted into an industrial park lives on under the park's name. None of these is
an error; each is worth a warning that a person confirms.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from icis.core.text import fold

# Words that say what a thing is rather than which one it is.
GENERIC_WORDS = ("cum cong nghiep", "ccn", "khu cong nghiep", "kcn", "cum")
# A trailing number or Roman numeral tells look-alikes apart: "Phú Nghĩa 2", "Bình Phú II".
TRAILING_NUMBER = re.compile(r"\s+(\d+|[ivx]+)$")


def core_name(name: str) -> str:
    """The name folded (no tones, lower case), without generic words and without a trailing number."""
    text = " " + fold(name) + " "
    for word in GENERIC_WORDS:
        text = text.replace(" " + word + " ", " ")
    return TRAILING_NUMBER.sub("", " ".join(text.split()))


@dataclass(frozen=True)
class Lookalike:
    code: str
    name: str
    reason: str
    same_commune: bool = False
    pk: int | None = None


def lookalikes(name: str, province_id: str, commune_ids=(), exclude_pk=None) -> list[Lookalike]:
    """Clusters of the province whose name is the same as `name`, or the same but for a trailing number, or
    whose industrial park bears it. Those sharing a commune with `commune_ids` come first."""
    from .models import Cluster, ClusterCommune

    wanted = core_name(name)
    if not wanted:
        return []
    exact = fold(name)
    candidates = Cluster.objects.filter(province_id=province_id).only("pk", "code", "name", "industrial_park_name")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    sharing = set(ClusterCommune.objects.filter(commune_id__in=list(commune_ids)).values_list("cluster_id", flat=True))
    found = []
    for other in candidates.iterator():
        same_commune = other.pk in sharing
        if fold(other.name) == exact:
            found.append(Lookalike(other.code, other.name, _("the same name"), same_commune, other.pk))
        elif core_name(other.name) == wanted:
            found.append(Lookalike(other.code, other.name, _("the same name but for a number"), same_commune, other.pk))
        elif other.industrial_park_name and core_name(other.industrial_park_name) == wanted:
            found.append(
                Lookalike(
                    other.code, other.name, _("the name of the industrial park it became"), same_commune, other.pk
                )
            )
    return sorted(found, key=lambda item: (not item.same_commune, item.name))
