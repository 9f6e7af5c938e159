from .models import CommuneMerge, LegacyCommune, MergeType


def sole_successor(legacy_commune: LegacyCommune):
    """The one new unit an old commune went into whole, or None (split or partial)."""
    merges = list(CommuneMerge.objects.filter(legacy_commune=legacy_commune).select_related("commune"))
    if len(merges) == 1 and merges[0].merge_type == MergeType.FULL:
        return merges[0].commune
    return None
