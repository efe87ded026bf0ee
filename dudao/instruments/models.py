"""One versioned engine for checklists, indicator systems and questionnaires.

An ``Instrument`` is owned by an office (or shipped with the product when ``office`` is empty).
Its content lives in ``InstrumentVersion`` rows: a draft is edited, publishing freezes it, and
every ``Response`` points at the version it was given against. ``Item`` rows form the tree of
sections and questions; ``Answer`` rows hold one response per item.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dudao.core import rules
from dudao.core.scope import (
    OFFICE_REGION,
    DetailPageModel,
    OfficeScopedModel,
    ScopedManager,
    ScopedModel,
    TimeStampedModel,
)
from dudao.core.workflow import Transition


def instrument_rules(lookup: str, draft: str | None = None) -> tuple:
    """The scope of instruments, their versions and items (one rule set for all three): shipped
    instruments and those of the user's offices and the offices above are readable; only those of
    the user's own office are editable. Drafts are readable only by those who may change them:
    nobody else answers a draft. The capability is always the instrument's
    (``scope_capability``), so roles need no separate permissions for versions and items."""
    published = ~Q(**{draft: "draft"}) if draft else None
    found = (rules.office(lookup, on=rules.WRITE), rules.office(lookup, on=rules.VIEW, when=published),
             rules.shipped(lookup.rsplit("__region__path", 1)[0], when=published), rules.ancestors(lookup, when=published))
    if draft:
        found += (rules.office(lookup, on=rules.VIEW, permission="instruments.change_instrument"),)
    return found


INSTRUMENT_CAPABILITY = "instruments.{action}_instrument"


class Instrument(DetailPageModel, OfficeScopedModel):
    """A checklist, indicator system or questionnaire, with its versions."""

    class Kind(models.TextChoices):
        CHECKLIST = "checklist", _("Checklist")
        INDICATOR_SYSTEM = "indicator_system", _("Indicator system")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")

    class Audience(models.TextChoices):
        SCHOOLS = "schools", _("Schools")
        KINDERGARTENS = "kindergartens", _("Kindergartens")
        GOVERNMENTS = "governments", _("Governments")
        ANY = "any", _("Any unit")

    office = models.ForeignKey(
        "organizations.Office", on_delete=models.PROTECT, null=True, blank=True,
        related_name="instruments", verbose_name=_("office"),
        help_text=_("Empty for the national instruments shipped with the platform."),
    )
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    audience = models.CharField(_("for"), max_length=20, choices=Audience.choices, default=Audience.SCHOOLS)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("The regulation or document it follows."))

    scope_rules = instrument_rules(OFFICE_REGION)
    scope_capability = INSTRUMENT_CAPABILITY

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="instruments_instrument_code_per_office"),
            models.UniqueConstraint(fields=["code"], condition=Q(office__isnull=True),
                                    name="instruments_instrument_code_national"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self):
        return (self.office.region.path if self.office_id else ""), None

    def latest_published(self):
        return self.versions.filter(status=InstrumentVersion.Status.PUBLISHED).order_by("-number").first()

    @property
    def is_national(self) -> bool:
        """Shipped with the platform (no owning office): read-only for offices, copied to be adapted."""
        return self.office_id is None


class InstrumentVersion(TimeStampedModel):
    """One frozen (published) or editable (draft) content of an instrument."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    TRANSITIONS = {
        "publish": Transition({Status.DRAFT}, Status.PUBLISHED, "instruments.change_instrument"),
        "retire": Transition({Status.PUBLISHED}, Status.RETIRED, "instruments.change_instrument"),
    }

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions",
                                   verbose_name=_("instrument"))
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("based on"),
                                 help_text=_("The version whose items this one started from (a copy or a new draft)."))

    scope_region = "instrument__office__region__path"
    scope_school = None
    scope_rules = instrument_rules(scope_region, draft="status")
    scope_capability = INSTRUMENT_CAPABILITY

    objects = ScopedManager()

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="instruments_version_unique_number"),
            models.UniqueConstraint(fields=["instrument"], condition=Q(status="draft"),
                                    name="instruments_version_one_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.name} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("instruments:version_detail", args=[self.pk])

    def audit_scope(self):
        return self.instrument.audit_scope()

    @property
    def is_frozen(self) -> bool:
        """Published and retired versions never change: answers point at them."""
        return self.status != self.Status.DRAFT


class Item(models.Model):
    """A section or a question of an instrument version, in a tree ordered by ``position``."""

    class ResponseType(models.TextChoices):
        SECTION = "section", _("Section (no answer)")
        YES_NO = "yes_no", _("Yes / no")
        RATING = "rating", _("Rating scale")
        SCORE = "score", _("Score with maximum")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Text")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        FILES = "files", _("Evidence files")

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="items",
                                verbose_name=_("version"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"))
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=32)
    text = models.TextField(_("text"))
    criteria = models.TextField(_("criteria"), blank=True)
    response_type = models.CharField(_("response type"), max_length=20, choices=ResponseType.choices)
    options = models.JSONField(_("options"), default=list, blank=True,
                               help_text=_("Choices, or the labels of a rating scale from low to high."))
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2, null=True, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=4, null=True, blank=True)
    is_veto = models.BooleanField(_("veto item"), default=False)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    required = models.BooleanField(_("answer required"), default=False)

    scope_region = "version__instrument__office__region__path"
    scope_school = None
    scope_rules = instrument_rules(scope_region, draft="version__status")
    scope_capability = INSTRUMENT_CAPABILITY

    objects = ScopedManager()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="instruments_item_code_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    def audit_scope(self):
        return self.version.instrument.audit_scope()

    def clean(self) -> None:
        if self.response_type == self.ResponseType.SCORE and self.max_score is None:
            raise ValidationError({"max_score": _("A score item needs a maximum.")})
        if self.response_type in {self.ResponseType.SINGLE_CHOICE, self.ResponseType.MULTIPLE_CHOICE,
                                  self.ResponseType.RATING} and not self.options:
            raise ValidationError({"options": _("List the choices.")})
        if self.weight is not None and self.weight < Decimal("0"):
            raise ValidationError({"weight": _("The weight cannot be negative.")})

    @property
    def is_section(self) -> bool:
        return self.response_type == self.ResponseType.SECTION


class Response(ScopedModel):
    """One filling-in of an instrument version about a school or a region (a visit's checklist, a
    self-assessment, a rater's score sheet, a questionnaire)."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="responses",
                                verbose_name=_("version"))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="instrument_responses", verbose_name=_("school"))
    region_path = models.CharField(max_length=255, db_index=True)
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("respondent"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    scope_region = "region_path"
    scope_school = "school_id"

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"{self.version} · {self.school or self.region_path}"


class Answer(models.Model):
    """The answer to one item in a response; ``value`` holds bool, number, text or a list of choices."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers", verbose_name=_("item"))
    value = models.JSONField(_("value"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="instruments_answer_one_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.value}"
