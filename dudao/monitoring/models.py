"""Statistics years and school returns (办学条件统计): the data the balance analysis reads.

A county office opens a ``StatisticsYear``; schools (or the office, by importing the county
workbook) file one ``SchoolReturn`` per school and compulsory stage, with the raw fields of the
analysis engine (``dudao.monitoring.analysis``, same field names). The office locks the year when
the figures are reviewed; a locked year refuses imports and edits.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dudao.core.scope import ScopedModel
from dudao.core.workflow import Transition

# raw engine fields stored on a return, in the template's order (students and senior_students apart)
AREA_FIELDS = ("teaching_area_m2", "indoor_sports_area_m2", "gym_area_m2", "field_area_m2")
COUNT_FIELDS = (
    "computers", "books", "teachers", "teachers_above_required_degree", "teachers_intermediate_title",
    "key_teachers_county_level", "pe_music_art_teachers", "multimedia_classrooms", "classes",
)
VALUE_FIELDS = (*AREA_FIELDS, "equipment_value_yuan", *COUNT_FIELDS)


class StatisticsYear(ScopedModel):
    """Collects a county's school returns for one year; locked once the office has reviewed them."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        LOCKED = "locked", _("Locked")

    TRANSITIONS = {
        "lock": Transition({Status.OPEN}, Status.LOCKED, "monitoring.lock_statisticsyear"),
        "unlock": Transition({Status.LOCKED}, Status.OPEN, "monitoring.lock_statisticsyear"),
    }

    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="statistics_years",
                               verbose_name=_("office"))
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("locked by"))
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)

    scope_region = "office__region__path"
    scope_school = None

    class Meta:
        verbose_name = _("statistics year")
        verbose_name_plural = _("statistics years")
        ordering = ("-year", "office_id")
        permissions = [("lock_statisticsyear", "Can lock and unlock a statistics year")]
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="monitoring_statisticsyear_one_per_office_year"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:year_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED


class SchoolReturn(ScopedModel):
    """Records one school's statistics for one compulsory stage of a year (a combined school files
    one return per stage; its whole-school facilities go on one of them, as in the engine's table)."""

    class Stage(models.TextChoices):
        PRIMARY = "primary", _("Primary (小学)")
        JUNIOR = "junior", _("Junior secondary (初中)")

    class SchoolType(models.TextChoices):
        PRIMARY = "primary", "小学"
        JUNIOR = "junior", "初中"
        NINE_YEAR = "nine_year", "九年一贯制"
        COMPLETE_SECONDARY = "complete_secondary", "完全中学"
        TWELVE_YEAR = "twelve_year", "十二年一贯制"

    statistics_year = models.ForeignKey(StatisticsYear, on_delete=models.CASCADE, related_name="returns",
                                        verbose_name=_("statistics year"))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, related_name="statistics_returns",
                               verbose_name=_("school"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    school_type = models.CharField(_("school type"), max_length=20, choices=SchoolType.choices)
    students = models.PositiveIntegerField(_("pupils"))
    senior_students = models.PositiveIntegerField(_("senior pupils"), null=True, blank=True)
    teaching_area_m2 = models.DecimalField(_("teaching and auxiliary rooms (m²)"), max_digits=12, decimal_places=2,
                                           null=True, blank=True)
    indoor_sports_area_m2 = models.DecimalField(_("indoor sports rooms (m²)"), max_digits=12, decimal_places=2,
                                                null=True, blank=True)
    gym_area_m2 = models.DecimalField(_("gymnasium (m²)"), max_digits=12, decimal_places=2, null=True, blank=True)
    field_area_m2 = models.DecimalField(_("sports ground (m²)"), max_digits=12, decimal_places=2, null=True, blank=True)
    equipment_value_yuan = models.DecimalField(_("teaching equipment (yuan)"), max_digits=16, decimal_places=2,
                                               null=True, blank=True)
    computers = models.PositiveIntegerField(_("computers for teaching"), null=True, blank=True)
    books = models.PositiveIntegerField(_("books"), null=True, blank=True)
    teachers = models.PositiveIntegerField(_("full-time teachers"), null=True, blank=True)
    teachers_above_required_degree = models.PositiveIntegerField(_("teachers above the required degree"),
                                                                 null=True, blank=True)
    teachers_intermediate_title = models.PositiveIntegerField(_("teachers with intermediate or higher title"),
                                                              null=True, blank=True)
    key_teachers_county_level = models.PositiveIntegerField(_("key teachers (county level or above)"),
                                                            null=True, blank=True)
    pe_music_art_teachers = models.PositiveIntegerField(_("PE, music and art teachers"), null=True, blank=True)
    multimedia_classrooms = models.PositiveIntegerField(_("networked multimedia classrooms"), null=True, blank=True)
    classes = models.PositiveIntegerField(_("classes"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    scope_region = "school__region__path"
    scope_school = "school_id"

    class Meta:
        verbose_name = _("school return")
        verbose_name_plural = _("school returns")
        ordering = ("school__code", "stage")
        constraints = [
            models.UniqueConstraint(fields=["statistics_year", "school", "stage"],
                                    name="monitoring_schoolreturn_one_per_year_school_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.get_stage_display()} {self.statistics_year.year}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:return_detail", args=[self.pk])

    def as_record(self) -> dict:
        """The engine's record (``analysis.parse_records``): field names as keys, blanks as None."""
        record = {
            "school_code": self.school.code,
            "school_name": self.school.name,
            "school_type": self.school_type,
            "stage": self.stage,
            "students": self.students,
            "senior_students": self.senior_students,
        }
        for name in VALUE_FIELDS:
            value = getattr(self, name)
            record[name] = None if value is None else (int(value) if name in COUNT_FIELDS else float(value))
        return record


class BalanceStandard(ScopedModel):
    """The thresholds and standards an office sets for the balance analysis of one year and method.

    STANDARDS §3.5: the 2012 composite thresholds (0.65 / 0.55) are a recollection, to be kept
    configurable; §4.2: the 2017 CV thresholds, the 7 standard values and the 85 % of the per-school
    rule. An office's setting holds for the statistics years of its own region and of every region
    below it that has none of its own: a county inherits its city's, then its province's, and without
    any the national defaults of ``formulas`` apply (``selectors.standards_in_force``).
    """

    class Method(models.TextChoices):
        BASIC_2012 = "basic-2012", _("Basic balance (2012)")
        QUALITY_2017 = "quality-2017", _("Quality balance (2017)")

    office = models.ForeignKey("organizations.Office", on_delete=models.CASCADE, related_name="balance_standards",
                               verbose_name=_("office"))
    year = models.PositiveSmallIntegerField(_("statistics year"))
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    threshold_primary = models.DecimalField(_("CV threshold, primary"), max_digits=4, decimal_places=3)
    threshold_junior = models.DecimalField(_("CV threshold, junior secondary"), max_digits=4, decimal_places=3)
    standards = models.JSONField(_("standard values"), default=dict, blank=True,
                                 help_text=_("2017 method: per stage, the standard value of each indicator."))
    floor_ratio = models.DecimalField(_("floor of the per-school rule"), max_digits=4, decimal_places=3, null=True,
                                      blank=True, help_text=_("2017 method: share of the standard the rest must reach."))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("set by"))
    set_at = models.DateTimeField(_("set at"))

    scope_region = "office__region__path"
    scope_school = None

    class Meta:
        verbose_name = _("balance analysis standard")
        verbose_name_plural = _("balance analysis standards")
        ordering = ("-year", "office_id", "method")
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "method"],
                                    name="monitoring_balancestandard_one_per_office_year_method"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.year} {self.get_method_display()}"
