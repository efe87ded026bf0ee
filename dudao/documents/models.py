"""Document templates an office edits, and the documents the platform files in the archive (台账)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dudao.core import rules
from dudao.core.scope import DetailPageModel, OfficeScopedModel


def template_path(instance, filename: str) -> str:
    return f"documents/templates/{instance.office_id}/{instance.kind}/v{instance.version}.docx"


def document_path(instance, filename: str) -> str:
    school = instance.school_id or "office"
    return f"documents/{instance.office_id}/{instance.year}/{school}/{filename}"


class DocumentTemplate(OfficeScopedModel):
    """One version of an office's own template for one kind of document (the built-in is version 0)."""

    office = models.ForeignKey("organizations.Office", on_delete=models.CASCADE, related_name="document_templates",
                               verbose_name=_("office"))
    kind = models.CharField(_("kind of document"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=template_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    number_pattern = models.CharField(
        _("document number pattern"), max_length=100, blank=True,
        help_text=_("For example {office}教督〔{year}〕{seq}号; {office} is the county's short name, "
                    "{year} the year and {seq} the running number."),
    )
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["office_id", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["office", "kind", "version"], name="documents_template_version_unique"),
            models.UniqueConstraint(fields=["office", "kind"], condition=Q(is_active=True),
                                    name="documents_template_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class Document(DetailPageModel):
    """A generated document as filed: the template version and the data it was built from, the
    .docx and its PDF with their SHA-256, and its plain text for search."""

    kind = models.CharField(_("kind of document"), max_length=64, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number"), max_length=64, blank=True)
    office = models.ForeignKey("organizations.Office", on_delete=models.PROTECT, related_name="documents",
                               verbose_name=_("office"))
    school = models.ForeignKey("organizations.School", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="documents", verbose_name=_("school"))
    zone = models.ForeignKey("organizations.Zone", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="documents", verbose_name=_("zone"))
    inspector = models.ForeignKey("inspectors.Inspector", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="documents", verbose_name=_("inspector"))
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    date = models.DateField(_("date"))
    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="documents", verbose_name=_("template"))
    template_version = models.PositiveIntegerField(_("template version"), default=0)
    data = models.JSONField(_("data"), default=dict)
    data_sha256 = models.CharField(max_length=64)
    docx = models.FileField(_("Word file"), upload_to=document_path, max_length=300)
    docx_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(_("PDF file"), upload_to=document_path, max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    text = models.TextField(_("text"), blank=True)
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("made by"))

    scope_region = "office__region__path"
    scope_school = "school_id"
    # office users reach their region's documents; school-bound users those about their schools,
    # their zone, themselves as inspector, or made by them. Documents are filed, never changed.
    scope_rules = (
        rules.office_tree(scope_region),
        rules.schools(scope_school, on=rules.VIEW),
        rules.zones("zone_id", when=Q(school__isnull=True), on=rules.VIEW),
        rules.own("inspector__user", when=Q(school__isnull=True), on=rules.VIEW),
        rules.own("created_by", on=rules.VIEW),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["office", "year"], name="documents_office_year"),
            models.Index(fields=["school", "year"], name="documents_school_year"),
            models.Index(fields=["subject_type", "subject_id"], name="documents_subject"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        from dudao.documents import kinds

        try:
            return kinds.get(self.kind).label
        except KeyError:
            return self.kind


class NumberSequence(OfficeScopedModel):
    """The running number of one number pattern in an office's year. Every kind of document (and
    the rectification notices) that writes its numbers with the same pattern draws from the same
    sequence, so two kinds never give the same number (``dudao.documents.numbering``)."""

    office = models.ForeignKey("organizations.Office", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("office"))
    year = models.PositiveSmallIntegerField(_("year"))
    pattern = models.CharField(_("document number pattern"), max_length=150,
                               help_text=_("The pattern with the office's name and the year filled in."))
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    def audit_scope(self):
        return "", None  # filed under no region, like the rows of no scope

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "pattern"], name="documents_numbersequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.pattern}: {self.last}"


class IssuedNumber(OfficeScopedModel):
    """One document number (发文字号) an office gave in a year and what it was given to: the
    register that makes a number name one document (unique by office, year and number)."""

    office = models.ForeignKey("organizations.Office", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("office"))
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("document number"), max_length=150)
    kind = models.CharField(_("kind of document"), max_length=64)
    sequence = models.ForeignKey(NumberSequence, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="numbers", verbose_name=_("document number sequence"))
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    replaces = models.CharField(_("number before renumbering"), max_length=150, blank=True)

    def audit_scope(self):
        return "", None  # filed under no region, like the rows of no scope

    class Meta:
        verbose_name = _("issued document number")
        verbose_name_plural = _("issued document numbers")
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "number"], name="documents_issuednumber_unique"),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="documents_number_subject")]

    def __str__(self) -> str:
        return self.number
