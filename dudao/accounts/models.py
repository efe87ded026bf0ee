from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.accounts.roles import Role, permissions_for_roles
from dudao.core.scope import ScopedQuerySet, TimeStampedModel


class User(AbstractUser):
    """A person who signs in: office staff, inspectors, school liaisons and principals."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True,
        help_text=_("Leave empty to follow the browser."),
    )
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("Set when an office creates the account or an administrator sets its password: the "
                    "person chooses their own password before doing anything else."),
    )
    # sign-in failure handling (``accounts.lockout``): wrong passwords since the last success, the
    # last one, and the end of a lock after too many
    failed_logins = models.PositiveSmallIntegerField(_("failed sign-ins"), default=0, editable=False)
    last_failed_login = models.DateTimeField(_("last failed sign-in"), null=True, blank=True, editable=False)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True,
                                        help_text=_("Sign-in is refused until then after too many wrong passwords."))

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        """The person's name as they are known (``full_name``); the login only when none is given."""
        return self.full_name.strip() or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()

    @cached_property
    def scope(self):
        """The rows this user may reach; computed once per request (see ``accounts.scope``)."""
        from dudao.accounts.scope import scope_for

        return scope_for(self)

    @cached_property
    def role_permissions(self) -> frozenset[str]:

        return permissions_for_roles(self.scope.roles)

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    def refresh_scope(self) -> None:
        """Forgets the cached scope and permissions after memberships change."""
        self.__dict__.pop("scope", None)
        self.__dict__.pop("role_permissions", None)


class MembershipQuerySet(ScopedQuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))


class Membership(TimeStampedModel):
    """Gives a user a role in an office, a zone or a school for a period."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    office = models.ForeignKey(
        "organizations.Office", on_delete=models.PROTECT, null=True, blank=True,
        related_name="user_memberships", verbose_name=_("office"),
    )
    zone = models.ForeignKey(
        "organizations.Zone", on_delete=models.PROTECT, null=True, blank=True,
        related_name="user_memberships", verbose_name=_("zone"),
    )
    school = models.ForeignKey(
        "organizations.School", on_delete=models.PROTECT, null=True, blank=True,
        related_name="user_memberships", verbose_name=_("school"),
    )
    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, null=True, blank=True,
        related_name="user_memberships", verbose_name=_("responsible unit"),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    scope_region = "office__region__path"
    scope_school = "school_id"

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="accounts_membership_office_unless_sysadmin",
                condition=Q(role="sysadmin") | Q(office__isnull=False),
            ),
            models.CheckConstraint(
                name="accounts_membership_zone_for_zone_leader",
                condition=~Q(role="zone_leader") | Q(zone__isnull=False),
            ),
            models.CheckConstraint(
                name="accounts_membership_school_for_school_roles",
                condition=~Q(role__in=["school_liaison", "principal"]) | Q(school__isnull=False),
            ),
            models.CheckConstraint(
                name="accounts_membership_department_for_unit_liaison",
                condition=~Q(role="unit_liaison") | Q(department__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        where = self.school or self.department or self.zone or self.office or ""
        return f"{self.user} · {self.get_role_display()} · {where}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:membership_list") + f"?q={self.user.username}"

    def audit_scope(self):
        return (self.office.region.path if self.office_id else ""), self.school_id

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_to is None or self.valid_to >= today)
