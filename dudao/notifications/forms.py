from django import forms
from django.utils.translation import gettext_lazy as _

from dudao.core.forms import StyledForm
from dudao.notifications.models import Channel, ChannelSettings, Kind


def _kind_fields(form, label_suffix=""):
    for kind, label in Kind.choices:
        form.fields[f"kind_{kind}"] = forms.MultipleChoiceField(
            label=label, choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple)


def channels_from(cleaned: dict) -> dict:
    return {kind: list(cleaned.get(f"kind_{kind}") or []) for kind in Kind.values}


def channels_initial(chosen: dict) -> dict:
    return {f"kind_{kind}": list(chosen.get(kind, [])) for kind in Kind.values}


class PreferenceForm(StyledForm):
    """A person's channels per kind of message; the inbox always gets everything."""

    digest = forms.BooleanField(label=_("Bundle the office's low-priority messages into one message a day"),
                                required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _kind_fields(self)


class ChannelSettingsForm(StyledForm):
    """The office's robots and gateway (a secret left empty keeps the stored one), its default
    channels per kind and its low-priority kinds."""

    wecom_url = forms.URLField(label=_("WeCom group robot address"), required=False, max_length=500,
                               assume_scheme="https",
                               widget=forms.PasswordInput(render_value=False))
    dingtalk_url = forms.URLField(label=_("DingTalk robot address"), required=False, max_length=500,
                               assume_scheme="https",
                                  widget=forms.PasswordInput(render_value=False))
    dingtalk_secret = forms.CharField(label=_("DingTalk signing secret"), required=False, max_length=200,
                                      widget=forms.PasswordInput(render_value=False))
    webhook_url = forms.URLField(label=_("SMS gateway address"), required=False, max_length=500,
                               assume_scheme="https",
                                 widget=forms.PasswordInput(render_value=False))
    webhook_secret = forms.CharField(label=_("SMS gateway shared secret"), required=False, max_length=200,
                                     widget=forms.PasswordInput(render_value=False))
    clear = forms.MultipleChoiceField(
        label=_("Remove"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(f, ChannelSettings._meta.get_field(f).verbose_name) for f in ChannelSettings.SECRET_FIELDS])
    low_priority = forms.MultipleChoiceField(label=_("Low-priority kinds (sent in the daily digest to those who ask)"),
                                             choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, masked: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for field, shown in (masked or {}).items():
            if shown:
                self.fields[field].help_text = _("Stored: {value}. Leave empty to keep it.").format(value=shown)
        _kind_fields(self)
        for kind, label in Kind.choices:
            self.fields[f"kind_{kind}"].label = _("Default for: {kind}").format(kind=label)

    def secrets(self) -> dict:
        """The service's secret arguments: ``None`` keeps a field left empty, ``""`` removes a ticked one."""
        cleared = set(self.cleaned_data.get("clear") or [])
        return {f: "" if f in cleared else (self.cleaned_data.get(f) or None) for f in ChannelSettings.SECRET_FIELDS}
