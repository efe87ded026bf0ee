"""Forms of work reports. They parse input; the services write. No form carries ``status``."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.forms import StyledFormMixin, YearField
from dudao.workreports.models import Level, PeriodKind, period_bounds
from dudao.workreports.selectors import authorable_subjects


class TermChoice:
    SPRING = "spring"
    AUTUMN = "autumn"
    CHOICES = [(SPRING, _("Spring term (February–July)")), (AUTUMN, _("Autumn term (September–January)"))]


def previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


class ReportDraftForm(StyledFormMixin, forms.Form):
    """Whose report (level and subject) and which period: a month, a term or a year."""

    level = forms.ChoiceField(label=_("Whose report"), choices=Level.choices)
    inspector = forms.ModelChoiceField(label=_("Inspector"), queryset=None, required=False)
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=None, required=False)
    office = forms.ModelChoiceField(label=_("Office"), queryset=None, required=False)
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices, initial=PeriodKind.MONTH)
    month = forms.DateField(label=_("Month"), required=False, input_formats=["%Y-%m", "%Y-%m-%d"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            help_text=_("For a monthly report."))
    year = YearField(required=False, help_text=_("For a term or year summary: the year the term starts in."))
    term = forms.ChoiceField(label=_("Term"), choices=TermChoice.CHOICES, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from dudao.inspectors.models import Inspector
        from dudao.organizations.models import Office, Zone

        self.user = user
        subjects = authorable_subjects(user=user)
        self.fields["inspector"].queryset = Inspector.objects.for_user(user).filter(
            pk__in=[i.pk for i in subjects["inspectors"]]).order_by("sort_key")
        self.fields["zone"].queryset = Zone.objects.for_user(user).filter(
            pk__in=[z.pk for z in subjects["zones"]]).select_related("office")
        self.fields["office"].queryset = Office.objects.for_user(user).filter(pk__in=[o.pk for o in subjects["offices"]])
        levels = [level for level, key in ((Level.INSPECTOR, "inspectors"), (Level.ZONE, "zones"),
                                           (Level.OFFICE, "offices")) if subjects[key]]
        self.fields["level"].choices = [(v, label) for v, label in Level.choices if v in levels]
        for name, key in (("inspector", "inspectors"), ("zone", "zones"), ("office", "offices")):
            if len(subjects[key]) == 1:
                self.fields[name].initial = subjects[key][0].pk
        today = timezone.localdate()
        self.fields["month"].initial = previous_month(today)
        self.fields["year"].initial = today.year if today.month >= 9 else today.year - (1 if today.month == 1 else 0)
        self.fields["term"].initial = TermChoice.SPRING if 2 <= today.month <= 8 else TermChoice.AUTUMN

    def clean(self):
        data = super().clean()
        level, kind = data.get("level"), data.get("period_kind")
        for name in ("inspector", "zone", "office"):
            if level == name and not data.get(name):
                self.add_error(name, _("Choose whose report it is."))
        if kind == PeriodKind.MONTH and not data.get("month"):
            self.add_error("month", _("Choose the month."))
        if kind in (PeriodKind.TERM, PeriodKind.YEAR) and not data.get("year"):
            self.add_error("year", _("Enter the year."))
        if kind == PeriodKind.TERM and not data.get("term"):
            self.add_error("term", _("Choose the term."))
        return data

    def period_start(self) -> datetime.date:
        data = self.cleaned_data
        kind = data["period_kind"]
        if kind == PeriodKind.MONTH:
            return data["month"].replace(day=1)
        if kind == PeriodKind.YEAR:
            return datetime.date(data["year"], 1, 1)
        start = datetime.date(data["year"], 2 if data["term"] == TermChoice.SPRING else 9, 1)
        return period_bounds(kind, start)[0]

    def subject_kwargs(self) -> dict:
        data = self.cleaned_data
        level = data["level"]
        return {
            "inspector_id": data["inspector"].pk if level == Level.INSPECTOR and data.get("inspector") else None,
            "zone_id": data["zone"].pk if level == Level.ZONE and data.get("zone") else None,
            "office_id": data["office"].pk if level == Level.OFFICE and data.get("office") else None,
        }


class ReportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Finished report (.docx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".docx"}))
    comment = forms.CharField(label=_("Note to the office"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReportStatusForm(StyledFormMixin, forms.Form):
    office = forms.ModelChoiceField(label=_("Office"), queryset=None, required=False, empty_label=None)
    year = YearField(required=False)
    term = forms.ChoiceField(label=_("Period"), required=False,
                             choices=[("", _("Whole year")), *TermChoice.CHOICES])

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class ReportPolicyForm(StyledFormMixin, forms.Form):
    month_due_day = forms.IntegerField(label=_("Monthly report due on day"), min_value=1, max_value=28,
                                       help_text=_("The monthly report is due on this day of the next month."))
    term_due_days = forms.IntegerField(label=_("Term summary due after (days)"), min_value=0, max_value=120)
    year_due_days = forms.IntegerField(label=_("Year summary due after (days)"), min_value=0, max_value=120)
