from rest_framework.permissions import DjangoModelPermissions


class ModelPermissionsOrReadOnlyStaff(DjangoModelPermissions):
    """Authenticated users read; writing needs the Django model permission (add/change/delete).

    Row scoping (which objects a user may see at all) is the queryset's job, not this class's.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": [],
        "OPTIONS": [],
        "HEAD": [],
    }
