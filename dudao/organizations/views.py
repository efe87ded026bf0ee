from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dudao.accounts.access import acts_for_office, offices_of, owns_region
from dudao.core.choices import YEARS, year_or_none
from dudao.core.downloads import download
from dudao.core.excel import write_table
from dudao.core.views import (
    DatedAssignView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    OfficeSettingsView,
    edit_and_delete_views,
)
from dudao.jobs.exports import ExportableListView as ObjectListView
from dudao.organizations import selectors, services, tables, working_days
from dudao.organizations.filters import (
    DepartmentFilterSet,
    OfficeFilterSet,
    RegionFilterSet,
    SchoolFilterSet,
    ZoneFilterSet,
)
from dudao.organizations.forms import (
    CalendarDayForm,
    DepartmentForm,
    OfficeForm,
    RegionForm,
    SchoolForm,
    ZoneAssignForm,
    ZoneForm,
)
from dudao.organizations.imports import CalendarDayImporter, cell_date
from dudao.organizations.models import CalendarDay, Department, Office, Region, School, Zone, ZoneMembership


def _school_count(user, region_path: str) -> int:
    """How many schools the user may see in the region of ``region_path`` and the regions below it."""
    return School.objects.for_user(user).filter(region__path__startswith=region_path).count()


# ---- regions -------------------------------------------------------------------------------
class RegionListView(ObjectListView):
    model = Region
    filterset_class = RegionFilterSet
    select_related = ("parent",)
    default_ordering = ("path",)
    add_url_name = "organizations:region_add"
    columns = tables.REGION_COLUMNS


class RegionDetailView(ObjectDetailView):
    model = Region

    def object_context(self, ctx, region, user):
        return {"children": Region.objects.for_user(user).filter(parent=region).order_by("code"),
                "school_count": _school_count(user, region.path)}


RegionEditView, RegionDeleteView = edit_and_delete_views(
    Region, form_class=RegionForm, save=services.model_save, delete=services.model_delete,
    success_url="/organizations/regions/")


# ---- offices -------------------------------------------------------------------------------
class OfficeListView(ObjectListView):
    model = Office
    filterset_class = OfficeFilterSet
    select_related = ("region",)
    default_ordering = ("region__path",)
    add_url_name = "organizations:office_add"
    columns = tables.OFFICE_COLUMNS


class OfficeDetailView(ObjectDetailView):
    model = Office

    def object_context(self, ctx, office, user):
        return {"zones": selectors.zone_list_with_counts(user=user).filter(office=office),
                "school_count": _school_count(user, office.region.path)}


class OfficeEditView(ObjectEditView):
    model = Office
    form_class = OfficeForm
    service = services.model_save


# ---- schools -------------------------------------------------------------------------------
class SchoolListView(ObjectListView):
    """The schools as ``selectors.schools_listed`` lists them (its sort keys are the columns')."""

    model = School
    filterset_class = SchoolFilterSet
    add_url_name = "organizations:school_add"
    import_url_name = "organizations:school_import"
    template_name = "organizations/school_list.html"
    columns = tables.SCHOOL_COLUMNS
    row_actions_template = "organizations/partials/_school_actions.html"  # the school at a glance (学校画像)

    def get_filterset(self):
        return selectors.school_filters(user=self.request.user, params=self.request.GET)

    def filtered_queryset(self):
        self.filterset = self.get_filterset()
        return selectors.schools_listed(user=self.request.user, params=self.request.GET, filters=self.filterset)

    def list_context(self, ctx, user):
        return {"acts_for_office": acts_for_office(user)}


class SchoolDetailView(ObjectDetailView):
    model = School
    select_related = ("region",)

    def object_context(self, ctx, school, user):
        return {
            "zone_history": ZoneMembership.objects.for_user(user).filter(school=school).select_related("zone"),
            "listing_history": selectors.listing_model().objects.for_user(user).filter(school=school)
            .select_related("inspector"),
            "current_listing": selectors.current_listing_by_school(user=user, school_ids=[school.pk]).get(school.pk),
            "tab": self.request.GET.get("tab", "overview"),
        }


SchoolEditView, SchoolDeleteView = edit_and_delete_views(
    School, form_class=SchoolForm, save=services.model_save, delete=services.model_delete,
    success_url="/organizations/schools/", template_name="organizations/school_form.html")


class SchoolZoneAssignView(DatedAssignView):
    """Moves a school to another zone from a date; the old membership is kept with its dates."""

    model = School
    form_class = ZoneAssignForm
    heading = gettext_lazy("Change zone")
    hint = gettext_lazy("The previous zone membership ends the day before; the history is kept.")
    permission = "organizations.change_school"
    success_message = gettext_lazy("Zone changed.")
    target = "zone"
    service = services.zone_assign_school


# ---- zones ---------------------------------------------------------------------------------
class ZoneListView(ObjectListView):
    model = Zone
    filterset_class = ZoneFilterSet
    select_related = ("office__region",)
    default_ordering = ("office__region__path", "number", "pk")
    add_url_name = "organizations:zone_add"
    template_name = "organizations/zone_list.html"
    columns = tables.ZONE_COLUMNS

    def get_queryset(self):
        from django.db.models import Count, Q

        today = timezone.localdate()
        current = Q(memberships__valid_from__lte=today) & (
            Q(memberships__valid_to__isnull=True) | Q(memberships__valid_to__gte=today)
        )
        return super().get_queryset().annotate(school_count=Count("memberships", filter=current))

    def list_context(self, ctx, user):
        return {"over_limit": list(selectors.zone_list_with_counts(user=user).filter(over_limit=True))}


class ZoneDetailView(ObjectDetailView):
    model = Zone
    select_related = ("office__region",)

    def object_context(self, ctx, zone, user):
        schools = list(selectors.zone_current_schools(user=user, zone=zone))
        listings = selectors.current_listing_by_school(user=user, school_ids=[s.pk for s in schools])
        return {
            "schools": [(s, listings.get(s.pk)) for s in schools],
            "over_limit": len(schools) > zone.office.schools_per_zone,
            "history": ZoneMembership.objects.for_user(user).filter(zone=zone).select_related("school")
            .order_by("-valid_from")[:200],
        }


ZoneEditView, ZoneDeleteView = edit_and_delete_views(
    Zone, form_class=ZoneForm, save=services.model_save, delete=services.model_delete,
    success_url="/organizations/zones/")


# ---- responsible units that are not schools (教育局股室, 乡镇教育办) -----------------------------------
class DepartmentListView(ObjectListView):
    model = Department
    filterset_class = DepartmentFilterSet
    select_related = ("office__region", "region")
    default_ordering = ("office__region__path", "number", "pk")
    add_url_name = "organizations:department_add"
    columns = tables.DEPARTMENT_COLUMNS


class DepartmentDetailView(ObjectDetailView):
    model = Department
    select_related = ("office__region", "region")


DepartmentEditView, DepartmentDeleteView = edit_and_delete_views(
    Department, form_class=DepartmentForm, save=services.model_save, delete=services.model_delete,
    success_url="/organizations/units/")


# ---- the working-day calendar ----------------------------------------------------------------------

class OfficeSettingsPage(OfficeSettingsView):
    """An office's settings page over the offices the user may see, their own office's first."""

    def offices(self):
        return selectors.office_list(user=self.request.user)

    def own_office_ids(self):
        return offices_of(self.request.user)


class CalendarView(OfficeSettingsPage):
    """An office's working-day calendar for one year: the statutory holidays and 调休 working days, the
    days its city or province entered for the offices below, and its own, which its administrator
    adds, corrects and deletes here (or by Excel); ``?export=xlsx`` gives the year's days as a workbook
    in the columns of the import."""

    model = CalendarDay
    template_name = "organizations/calendar.html"
    permission_action = "view"

    def can_change(self, office) -> bool:
        user = self.request.user
        return user.has_perm("organizations.add_calendarday") and owns_region(user, office.region.path)

    def year(self) -> int:
        wanted = self.request.GET.get("year") or self.request.POST.get("year") or ""
        return year_or_none(wanted) or timezone.localdate().year

    def get_form(self, office, data=None):
        if data is not None:
            return CalendarDayForm(data)
        day = cell_date(self.request.GET.get("date", ""))
        entry = CalendarDay.objects.for_user(self.request.user).filter(office=office, date=day).first() if day else None
        initial = {"date": day} if day else {}
        if entry is not None:
            initial.update(kind=entry.kind, name=entry.name, note=entry.note)
        return CalendarDayForm(initial=initial)

    def save(self, office, form) -> None:
        services.calendar_day_set(actor=self.request.user, office_id=office.pk, **form.cleaned_data)
        self.saved_year = form.cleaned_data["date"].year

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302:  # back to the year of the day saved
            response["Location"] += f"&year={self.saved_year}"
        return response

    def get(self, request, *args, **kwargs):
        if request.GET.get("export"):
            office, year = self.office(), self.year()
            rows = [[day.date, day.get_kind_display(), day.name, day.note, self.source(day, office)]
                    for day in working_days.year_days(office, year)]
            headers = [*CalendarDayImporter.columns, "来源"]
            return download(write_table(headers, rows, title=f"{year}"), f"{office.name}{year}年工作日历.xlsx")
        return super().get(request, *args, **kwargs)

    @staticmethod
    def source(day, office) -> str:
        if day.office_id is None:
            return _("Statutory")
        return _("This office") if day.office_id == office.pk else day.office.name

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        office, year = kwargs["office"], self.year()
        can_change = self.can_change(office)
        days = [{"day": day, "source": self.source(day, office), "weekday": day.date.weekday(),
                 "own": day.office_id == office.pk, "editable": can_change and day.office_id == office.pk}
                for day in working_days.year_days(office, year)]
        covered = working_days.covered_years()
        ctx.update({
            "title": _("Working-day calendar"), "offices": self.offices(), "can_change": can_change,
            "year": year, "years": YEARS, "previous_year": year - 1, "next_year": year + 1, "days": days,
            "covered": covered, "year_covered": year in covered,
        })
        return ctx


class CalendarDayDeleteView(ObjectDeleteView):
    """Deletes an office's own day (the statutory days cannot be deleted)."""

    model = CalendarDay
    service = services.calendar_day_delete

    def get_target(self):
        day = super().get_target()
        self.success_url = day.get_absolute_url()  # back to the office's year
        return day


__all__ = [name for name in dir() if name.endswith("View")]
