from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as BasePasswordChangeForm
from django.utils.translation import gettext_lazy as _

from dudao.accounts.models import Membership, Role
from dudao.core.forms import ScopedModelForm, StyledFormMixin

ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.SYSADMIN]


class MembershipForm(ScopedModelForm):
    """Gives a person a role in the office's area: a new account, or an existing one by username."""

    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and @ . + - _ only. An existing account gets the new role."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=64, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)

    class Meta:
        model = Membership
        fields = ["username", "full_name", "phone", "role", "office", "zone", "school", "department", "valid_from",
                  "valid_to"]
        widgets = {  # ISO dates: a date input shows nothing for the Chinese locale's 2026/03/02
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("office", "zone", "school", "department"):
            self.fields[name].queryset = self.fields[name].queryset.model.objects.for_user(self.user, "change")
        self.fields["office"].required = True

    def clean(self):
        data = super().clean()
        role, office, zone, school = data.get("role"), data.get("office"), data.get("zone"), data.get("school")
        department = data.get("department")
        if role == Role.UNIT_LIAISON and not department:
            self.add_error("department", _("A unit liaison needs a responsible unit."))
        if office and department and department.office_id != office.pk:
            self.add_error("department", _("The responsible unit belongs to another office."))
        if role == Role.ZONE_LEADER and not zone:
            self.add_error("zone", _("A zone leader needs a zone."))
        if role in {Role.SCHOOL_LIAISON, Role.PRINCIPAL} and not school:
            self.add_error("school", _("A school liaison or principal needs a school."))
        if office and zone and zone.office_id != office.pk:
            self.add_error("zone", _("The zone belongs to another office."))
        if office and school and not school.region.path.startswith(office.region.path):
            self.add_error("school", _("The school is outside the office's region."))
        valid_to, valid_from = data.get("valid_to"), data.get("valid_from")
        if valid_to and valid_from and valid_to < valid_from:
            self.add_error("valid_to", _("The end date is before the start date."))
        username = data.get("username")
        if username:
            existing = get_user_model().objects.filter(username=username).first()
            if existing is not None and existing.is_superuser:
                self.add_error("username", _("This account cannot be given a role here."))
        return data


class LoginForm(AuthenticationForm):
    """Signing in; after too many wrong passwords it says until when signing in is paused."""

    def get_invalid_login_error(self):
        from dudao.accounts.lockout import refused_message

        until = getattr(self.request, "login_locked_until", None)
        if until is not None:
            return forms.ValidationError(refused_message(until), code="locked")
        return super().get_invalid_login_error()


class PasswordChangeForm(StyledFormMixin, BasePasswordChangeForm):
    """The person's own new password: the current one, the new one twice, Django's validators,
    and never the password the office handed over again."""

    def clean_new_password1(self):
        password = self.cleaned_data.get("new_password1")
        if password and self.user.check_password(password):
            raise forms.ValidationError(_("Choose a password different from the current one."))
        return password
