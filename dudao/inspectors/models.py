from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dudao.core.models import DatedSchoolLink
from dudao.core.scope import ScopedModel
from dudao.core.workflow import Transition
from dudao.organizations.models import Office, School, pinyin_key


def photo_path(instance, filename: str) -> str:
    return f"inspectors/photos/{instance.certificate_no or 'new'}/{filename}"


class Inspector(ScopedModel):
    """An inspector (督学) appointed by an office; a responsible inspector when listed at schools."""

    class Kind(models.TextChoices):
        FULL_TIME = "full_time", _("Full-time")
        PART_TIME = "part_time", _("Part-time")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In service")
        SUSPENDED = "suspended", _("Suspended")
        DISMISSED = "dismissed", _("Dismissed")

    TRANSITIONS = {
        "suspend": Transition({Status.ACTIVE}, Status.SUSPENDED, "inspectors.change_inspector"),
        "reinstate": Transition({Status.SUSPENDED}, Status.ACTIVE, "inspectors.change_inspector"),
        "dismiss": Transition({Status.ACTIVE, Status.SUSPENDED}, Status.DISMISSED, "inspectors.delete_inspector"),
    }

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="inspectors", verbose_name=_("office"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="inspector", verbose_name=_("user account"),
    )
    name = models.CharField(_("name"), max_length=32)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PART_TIME)
    certificate_no = models.CharField(_("certificate number"), max_length=32, unique=True)
    employer = models.CharField(_("employer and post"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    sort_key = models.CharField(max_length=255, editable=False, blank=True, db_index=True)

    scope_region = "office__region__path"
    scope_school = None

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["sort_key", "certificate_no"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspectors:inspector_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.sort_key = pinyin_key(self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)

    def audit_scope(self):
        return self.office.region.path, None

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Listing(DatedSchoolLink):
    """Lists an inspector at a school (挂牌) for a period; the history says who was listed when."""

    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="listings", verbose_name=_("inspector"))
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="listings", verbose_name=_("school"))

    class Meta(DatedSchoolLink.Meta):
        verbose_name = _("listing")
        verbose_name_plural = _("listings")

    def __str__(self) -> str:
        return f"{self.inspector} @ {self.school}"
