from rest_framework.permissions import BasePermission, DjangoModelPermissions


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

    def has_permission(self, request, view):
        # A read needs no model permission, only a signed-in user: answered without building the view's
        # queryset (DRF builds it to learn the model, and the list then builds it again).
        if request.method in self.perms_map and not self.perms_map[request.method]:
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)


def requires(*perms: str):
    """A permission class for one action: the user must hold every named Django permission."""

    class RequiresPermissions(BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated and request.user.has_perms(perms))

    RequiresPermissions.__name__ = f"Requires({', '.join(perms)})"
    return RequiresPermissions
