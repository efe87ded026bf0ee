from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.core.forms import StyledFormMixin
from dudao.documents import kinds
from dudao.organizations.models import Office


class TemplateUploadForm(StyledFormMixin, forms.Form):
    office = forms.ModelChoiceField(queryset=Office.objects.none(), label=_("Office"))
    kind = forms.ChoiceField(label=_("Kind of document"))
    file = forms.FileField(label=_("Template (.docx)"), help_text=_(
        "Start from the current template, change it in Word or WPS and keep the {{ … }} placeholders."))
    number_pattern = forms.CharField(label=_("Document number pattern"), required=False, max_length=100,
                                     help_text=_("For example {office}教督〔{year}〕{seq}号; empty keeps the current one."))
    note = forms.CharField(label=_("What changed"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.for_user(user, "change").select_related("region")
        self.fields["kind"].choices = kinds.choices()
