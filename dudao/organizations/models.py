from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pypinyin import lazy_pinyin

from dudao.core import rules
from dudao.core.models import DatedSchoolLink
from dudao.core.scope import OFFICE_REGION, DetailPageModel, OfficeScopedModel


def pinyin_key(text: str) -> str:
    """A sort key that orders Chinese names by pinyin on every database."""
    return " ".join(lazy_pinyin(text or ""))[:255]


class PinyinSortedMixin:
    """Keeps a model's ``sort_key`` (its name by pinyin) up to date on every save, also a partial one."""

    def save(self, *args, **kwargs):
        self.sort_key = pinyin_key(self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)


class Region(DetailPageModel):
    """Places a unit in the administrative tree 省 → 市 → 县/区 → 学区/乡镇."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        COUNTY = 3, _("County / district")
        TOWNSHIP = 4, _("Township / school district")

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    sort_key = models.CharField(max_length=255, editable=False, blank=True)

    scope_region = "path"
    scope_school = None

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent.level >= self.level:
            raise ValidationError({"parent": _("The parent must be a higher level than the region.")})
        if self.parent_id is None and self.level != self.Level.PROVINCE:
            raise ValidationError({"parent": _("Only a province has no parent.")})

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        self.sort_key = pinyin_key(self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "path", "sort_key"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return self.name


class Office(DetailPageModel):
    """A supervision office (督导室) of a government at some level."""

    name = models.CharField(_("name"), max_length=100)
    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="office", verbose_name=_("region"))
    hotline = models.CharField(_("complaint hotline"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    schools_per_inspector = models.PositiveSmallIntegerField(
        _("schools per inspector"), default=settings.DUDAO_DEFAULT_SCHOOLS_PER_INSPECTOR,
        help_text=_("National standard: about 5 schools per responsible inspector."),
    )
    schools_per_zone = models.PositiveSmallIntegerField(
        _("schools per zone"), default=settings.DUDAO_DEFAULT_SCHOOLS_PER_ZONE,
        help_text=_("National guidance: at most 20 schools per zone."),
    )
    checkin_radius_m = models.PositiveIntegerField(
        _("check-in radius (m)"), default=settings.DUDAO_DEFAULT_CHECKIN_RADIUS_M,
        validators=[MinValueValidator(50), MaxValueValidator(50000)],
        help_text=_("A visit checked in farther than this from the school's coordinates is flagged."),
    )

    scope_region = "region__path"
    # an office's own record is kept by the office above it too (a county sets up its township groups)
    scope_rules = (rules.office_tree(scope_region), rules.reference(scope_region))
    scope_school = None

    class Meta:
        verbose_name = _("supervision office")
        verbose_name_plural = _("supervision offices")
        ordering = ["region__path"]

    def __str__(self) -> str:
        return self.name


class School(PinyinSortedMixin, DetailPageModel):
    """A unit under supervision: a school, kindergarten or teaching point."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary school")
        JUNIOR = "junior", _("Junior secondary school")
        NINE_YEAR = "nine_year", _("Nine-year school")
        COMPLETE_SECONDARY = "complete_secondary", _("Complete secondary school")
        SENIOR = "senior", _("Senior secondary school")
        VOCATIONAL = "vocational", _("Secondary vocational school")
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        TEACHING_POINT = "teaching_point", _("Teaching point")

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    class Location(models.TextChoices):
        URBAN = "urban", _("Urban")
        TOWN = "town", _("Town")
        RURAL = "rural", _("Rural")

    code = models.CharField(_("school code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices, default=Ownership.PUBLIC)
    location = models.CharField(_("urban / rural"), max_length=10, choices=Location.choices, default=Location.URBAN)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="schools", verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    enrolment_kindergarten = models.PositiveIntegerField(_("kindergarten pupils"), default=0)
    enrolment_primary = models.PositiveIntegerField(_("primary pupils"), default=0)
    enrolment_junior = models.PositiveIntegerField(_("junior secondary pupils"), default=0)
    enrolment_senior = models.PositiveIntegerField(_("senior secondary pupils"), default=0)
    liaison_name = models.CharField(_("liaison person"), max_length=32, blank=True)
    liaison_phone = models.CharField(_("liaison phone"), max_length=32, blank=True)
    principal_name = models.CharField(_("principal"), max_length=32, blank=True)
    # WGS-84, as a phone's GPS and the browser give it (not the GCJ-02 of Chinese map apps)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("WGS-84 decimal degrees, as a phone's location gives it, e.g. 28.682892."),
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("WGS-84 decimal degrees, e.g. 115.858198."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_key = models.CharField(max_length=255, editable=False, blank=True, db_index=True)

    scope_region = "region__path"
    scope_school = "pk"

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["sort_key", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False, latitude__gte=-90, latitude__lte=90,
                    longitude__gte=-180, longitude__lte=180),
                name="organizations_school_coordinates_pair",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def enrolment_total(self) -> int:
        return self.enrolment_kindergarten + self.enrolment_primary + self.enrolment_junior + self.enrolment_senior

    @property
    def is_kindergarten(self) -> bool:
        return self.kind == self.Kind.KINDERGARTEN

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({missing: _("Give both latitude and longitude, or neither.")})


class Zone(DetailPageModel, OfficeScopedModel):
    """A responsibility zone (督学责任区): schools of one county office grouped for inspectors."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="zones", verbose_name=_("office"))
    name = models.CharField(_("name"), max_length=64)
    number = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Zones are listed by this number, then in the order they were created."),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["office", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="organizations_zone_unique_name_per_office"),
        ]

    def __str__(self) -> str:
        return self.name


class Department(DetailPageModel, OfficeScopedModel):
    """A responsible unit of an office that is not a school: a township education office (乡镇教育办,
    学区中心校) or a department of the education bureau (教育局股室). Directives give it items, and its
    contacts (承办单位联络人) report on them."""

    class Kind(models.TextChoices):
        TOWNSHIP_OFFICE = "township_office", _("Township education office")
        BUREAU_DEPARTMENT = "bureau_department", _("Education bureau department")
        OTHER = "other", pgettext_lazy("department kind", "Other")

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="departments",
                               verbose_name=_("office"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind of unit"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="departments",
                               verbose_name=_("township"),
                               help_text=_("The township a township education office works for (optional)."))
    number = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Units are listed by this number, then in the order they were created."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    # the office's subtree; read-only for the school-bound users of the office; a unit's own contacts
    # read their unit
    scope_rules = (rules.office(OFFICE_REGION), rules.reference(OFFICE_REGION),
                   rules.departments("pk", on=rules.VIEW))

    class Meta:
        verbose_name = _("department or township office")
        verbose_name_plural = _("departments and township offices")
        ordering = ["office", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="organizations_department_unique_name_per_office"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.region_id and self.office_id and not self.region.path.startswith(self.office.region.path):
            raise ValidationError({"region": _("The township lies outside the office's region.")})


class ZoneMembership(DatedSchoolLink):
    """Places a school in a zone for a period; zones are redrawn and the history is kept."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("zone"))
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="zone_memberships", verbose_name=_("school"))

    class Meta(DatedSchoolLink.Meta):
        verbose_name = _("zone membership")
        verbose_name_plural = _("zone memberships")

    def __str__(self) -> str:
        return f"{self.school} → {self.zone}"


class CalendarDay(OfficeScopedModel):
    """Makes one day a holiday or a working day against the weekly rule (Monday to Friday work).

    A row without an office is the State Council's arrangement (法定节假日与调休), loaded from the
    statutory calendar and read-only; a row of an office is the office's own entry, which holds for
    the office and for every office below it, unless a lower office enters the same date
    (``working_days``: the lowest office's entry wins, then the statutory day, then the weekday).
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", pgettext_lazy("calendar", "Day off")
        WORKING = "working", pgettext_lazy("calendar", "Working day")

    office = models.ForeignKey(Office, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_days",
                               verbose_name=_("office"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind of day"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=64, blank=True, help_text=_("For example 国庆节 or 调休上班."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    # the statutory days for everyone; an office's entries for its subtree (changed only by the office
    # itself) and for the offices below it, which follow them
    scope_rules = (rules.office(OFFICE_REGION), rules.ancestors(OFFICE_REGION), rules.shipped("office"))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="organizations_calendarday_one_per_office_date"),
            models.UniqueConstraint(fields=["date"], condition=models.Q(office__isnull=True),
                                    name="organizations_calendarday_one_statutory_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name or self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        office = f"office={self.office_id}&" if self.office_id else ""
        return reverse("organizations:calendar") + f"?{office}year={self.date.year}"

    def audit_scope(self):
        return (self.office.region.path if self.office_id else ""), None

    @property
    def is_statutory(self) -> bool:
        return self.office_id is None
