"""Forms of plans and tasks. They parse input; the services write. No form carries ``status``."""

import calendar

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from dudao.accounts.access import acts_for_office, offices_of, zones_of
from dudao.core.forms import ScopedModelForm, StyledFormMixin, YearField
from dudao.inspectors.models import Inspector
from dudao.organizations.models import Office, School, Zone
from dudao.plans.models import Task, Term, WorkPlan, term_for


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's argument name
        super().__init__(attrs, format)


class WorkPlanCreateForm(StyledFormMixin, forms.Form):
    """Starts a plan: whose, which period, its title. The month table is filled in next."""

    level = forms.ChoiceField(label=_("Whose plan"), choices=WorkPlan.Level.choices)
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none(), required=False)
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none(), required=False)
    inspector = forms.ModelChoiceField(
        label=_("Inspector"), queryset=Inspector.objects.none(), required=False,
        help_text=_("Only for an inspector without a login account, whose paper plan the office types in."),
    )
    year = YearField()
    term = forms.ChoiceField(label=_("Period"), choices=Term.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Guiding ideas and goals"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        year, term = term_for(timezone.localdate())
        self.fields["year"].initial = year
        self.fields["term"].initial = term
        own_inspector = Inspector.objects.for_user(user).filter(user=user).exists()
        levels = []
        if acts_for_office(user):
            levels += [WorkPlan.Level.OFFICE, WorkPlan.Level.ZONE, WorkPlan.Level.INSPECTOR]
            self.fields["office"].queryset = Office.objects.for_user(user).filter(pk__in=sorted(offices_of(user)))
            self.fields["zone"].queryset = Zone.objects.for_user(user).select_related("office")
            self.fields["inspector"].queryset = Inspector.objects.for_user(user, "change").filter(
                user__isnull=True, status=Inspector.Status.ACTIVE)
        else:
            if zones_of(user):
                levels.append(WorkPlan.Level.ZONE)
                self.fields["zone"].queryset = Zone.objects.for_user(user).filter(pk__in=sorted(zones_of(user)))
            if own_inspector:
                levels.append(WorkPlan.Level.INSPECTOR)
            del self.fields["office"], self.fields["inspector"]
        self.fields["level"].choices = [(v, label) for v, label in WorkPlan.Level.choices if v in levels]
        if own_inspector and not acts_for_office(user):
            self.fields["level"].initial = WorkPlan.Level.INSPECTOR

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level == WorkPlan.Level.ZONE and not data.get("zone"):
            self.add_error("zone", _("Choose the zone."))
        if level == WorkPlan.Level.INSPECTOR and acts_for_office(self.user) and not data.get("inspector"):
            self.add_error("inspector", _("Choose the inspector."))
        return data


class WorkPlanItemsForm(StyledFormMixin, forms.Form):
    """The month table: one theme and one block of work items per month of the plan."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Guiding ideas and goals"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, plan: WorkPlan, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        by_month = {item.month: item for item in items}
        self.fields["title"].initial = plan.title
        self.fields["summary"].initial = plan.summary
        self.months = []
        for month in plan.months:
            item = by_month.get(month)
            theme = forms.CharField(label=_("Theme"), max_length=100, required=False,
                                    initial=item.theme if item else "")
            work = forms.CharField(label=_("Work items"), required=False, initial=item.work_items if item else "",
                                   widget=forms.Textarea(attrs={"rows": 5}))
            self.fields[f"theme_{month}"] = theme
            self.fields[f"work_{month}"] = work
            self.months.append(month)

    def month_rows(self):
        return [(month, MONTHS[month], self[f"theme_{month}"], self[f"work_{month}"]) for month in self.months]

    def items(self) -> dict[int, tuple[str, str]]:
        return {m: (self.cleaned_data[f"theme_{m}"], self.cleaned_data[f"work_{m}"]) for m in self.months}


class TaskPrescribeForm(StyledFormMixin, forms.Form):
    """The office gives one task to inspectors chosen by zone, by name, or all of an office."""

    TARGETS = [("zone", _("The inspectors of a zone")), ("inspectors", _("Chosen inspectors")),
               ("office", _("All inspectors of the office"))]

    kind = forms.ChoiceField(label=_("Kind"), choices=[(Task.Kind.PRESCRIBED, Task.Kind.PRESCRIBED.label),
                                                      (Task.Kind.ROUTINE, Task.Kind.ROUTINE.label)])
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)
    target = forms.ChoiceField(label=_("Give it to"), choices=TARGETS, widget=forms.RadioSelect, initial="zone")
    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.none(), required=False)
    inspectors = forms.ModelMultipleChoiceField(label=_("Inspectors"), queryset=Inspector.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple)
    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none(), required=False)

    def __init__(self, *args, user, zone_sizes: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        sizes = zone_sizes or {}
        self.fields["zone"].queryset = Zone.objects.for_user(user).filter(is_active=True).select_related("office")
        self.fields["zone"].label_from_instance = lambda z: _("{zone} ({n} inspectors)").format(
            zone=z.name, n=len(sizes.get(z.pk, ())))
        self.fields["inspectors"].queryset = Inspector.objects.for_user(user, "change").filter(
            status=Inspector.Status.ACTIVE)
        offices = Office.objects.for_user(user).filter(pk__in=sorted(offices_of(user)))
        self.fields["office"].queryset = offices
        self.fields["office"].initial = offices.first()

    def clean(self):
        data = super().clean()
        target = data.get("target")
        if target == "zone" and not data.get("zone"):
            self.add_error("zone", _("Choose the zone."))
        if target == "inspectors" and not data.get("inspectors"):
            self.add_error("inspectors", _("Choose at least one inspector."))
        if target == "office" and not data.get("office"):
            self.add_error("office", _("Choose the office."))
        return data

    def target_kwargs(self) -> dict:
        data = self.cleaned_data
        if data["target"] == "zone":
            return {"zone_id": data["zone"].pk}
        if data["target"] == "inspectors":
            return {"inspector_ids": [i.pk for i in data["inspectors"]]}
        return {"office_id": data["office"].pk}


class TaskSelfForm(StyledFormMixin, forms.Form):
    """An inspector's own task: self-chosen (自主任务) or a routine one they keep track of."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[(Task.Kind.SELF_CHOSEN, Task.Kind.SELF_CHOSEN.label),
                                                      (Task.Kind.ROUTINE, Task.Kind.ROUTINE.label)])
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.for_user(user)
        today = timezone.localdate()
        self.fields["due_date"].initial = today.replace(day=calendar.monthrange(today.year, today.month)[1])


class TaskEditForm(ScopedModelForm):
    class Meta:
        model = Task
        fields = ["title", "description", "due_date"]
        widgets = {"due_date": DateInput, "description": forms.Textarea(attrs={"rows": 4})}


class TaskCompleteForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DateInput)


class CompletionPeriodForm(StyledFormMixin, forms.Form):
    """The period of the completion table: a year and a term (tasks due in it)."""

    UNTIL = [("today", _("Due up to today")), ("end", _("Due in the whole period"))]

    year = YearField(required=False)
    term = forms.ChoiceField(label=_("Period"), choices=Term.choices, required=False)
    until = forms.ChoiceField(label=_("Tasks"), choices=UNTIL, required=False)
