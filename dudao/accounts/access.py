"""The scope decisions other apps ask of a user, each named once.

``accounts.scope`` computes a user's scope (``user.scope``); the apps above do not read its fields,
they ask one of these questions (a convention test holds them to it). Rows are still read through
``Model.objects.for_user(user, action)``; these answer what a row filter cannot: a yes or no about
the user, or the offices, schools and zones the user is bound to, for a default or a form's
choices. A user without a scope (anonymous) is bound to nothing and sees nothing.
"""

from django.core.exceptions import PermissionDenied

from dudao.accounts.scope import Scope
from dudao.core.scope import sees_everything as sees_everything  # defined in core for the layers below

NO_SCOPE = Scope()


def _scope(user) -> Scope:
    return getattr(user, "scope", None) or NO_SCOPE


def acts_for_office(user) -> bool:
    """Whether the user works for an education supervision office (administrator or staff), or sees
    everything: the office side of a page, as opposed to an inspector, zone leader or school."""
    return _scope(user).is_office


class OfficeSideMixin:
    """A page of the office side (``acts_for_office``): refused (403) to the other signed-in users."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not acts_for_office(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def offices_of(user) -> frozenset[int]:
    """The ids of the offices of the user's current memberships, whatever the role (an inspector's or
    a school liaison's office too); empty for the system administrator, who belongs to none."""
    return _scope(user).office_ids


def office_regions(user) -> tuple[str, ...]:
    """The region paths of the offices the user works for (administrator or staff), the outermost
    only (a city office covers its counties); empty for a school-bound user and for the system
    administrator."""
    return _scope(user).office_paths


def reference_regions(user) -> tuple[str, ...]:
    """The region paths of the offices of a school-bound user (zone leader, inspector, liaison,
    principal), whose reference rows they read; empty for an office user."""
    return _scope(user).reference_paths


def schools_of(user) -> frozenset[int]:
    """The ids of the schools the user is bound to now: those of their zone, those listed to them
    as an inspector (挂牌), their own as a liaison or principal; empty for an office user."""
    return _scope(user).school_ids


def departments_of(user) -> frozenset[int]:
    """The ids of the responsible units other than schools (bureau departments, township education
    offices) whose contact the user is now."""
    return _scope(user).department_ids


def zones_of(user) -> frozenset[int]:
    """The ids of the zones the user leads now."""
    return _scope(user).zone_ids


def roles_of(user) -> frozenset[str]:
    """The roles of the user's current memberships (``Role.SYSADMIN`` for a superuser)."""
    return _scope(user).roles


def oversees_region(user, path: str, *, strictly: bool = False) -> bool:
    """Whether the region at ``path`` lies in the subtree of one of the user's offices (a city office
    oversees its counties), or the user sees everything; with ``strictly``, a region below the
    office's own, not the office's own region."""
    scope = _scope(user)
    if scope.unrestricted:
        return True
    return any(path.startswith(p) and (not strictly or p != path) for p in scope.office_paths)


def owns_region(user, path: str) -> bool:
    """Whether the rows of the region at ``path`` belong to one of the user's offices and not to an
    office below them (a city office watches its counties' rows but does not change them), or the
    user sees everything: who may change them."""
    scope = _scope(user)
    return scope.unrestricted or scope.office_owns(path)
