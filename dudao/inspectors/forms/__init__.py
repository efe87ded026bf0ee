from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from dudao.accounts.models import Membership, Role
from dudao.core.forms import DatedAssignForm, ScopedModelForm
from dudao.inspectors.models import Inspector


class InspectorForm(ScopedModelForm):
    class Meta:
        model = Inspector
        fields = ["office", "name", "gender", "kind", "certificate_no", "employer", "phone", "email", "photo", "user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # only accounts holding an inspector role in the user's area may be linked
        holders = Membership.objects.for_user(self.user).filter(role=Role.INSPECTOR).values("user_id")
        self.fields["user"].queryset = get_user_model().objects.filter(pk__in=holders).order_by("username")
        self.fields["user"].help_text = _("The login account of this inspector (grant it the inspector role first).")


class ListingAssignForm(DatedAssignForm):
    """Lists an inspector at a school from a date (empty inspector: end the listing)."""

    inspector = forms.ModelChoiceField(queryset=Inspector.objects.none(), required=False, label=_("Inspector"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = Inspector.objects.for_user(user, "change").filter(status=Inspector.Status.ACTIVE)
