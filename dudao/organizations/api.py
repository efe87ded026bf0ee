from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.accounts.access import offices_of
from dudao.audit.api import AuditedViewSet
from dudao.core.api import ScopedModelSerializer, ScopedReadViewSet, UploadActionsMixin, validated
from dudao.core.choices import year_message, year_or_none
from dudao.organizations import services, working_days
from dudao.organizations.filters import (
    CalendarDayFilterSet,
    DepartmentFilterSet,
    OfficeFilterSet,
    RegionFilterSet,
    SchoolFilterSet,
    ZoneFilterSet,
    ZoneMembershipFilterSet,
)
from dudao.organizations.imports import CalendarDayImporter, own_calendar_office
from dudao.organizations.models import CalendarDay, Department, Office, Region, School, Zone, ZoneMembership


class RegionSerializer(ScopedModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "path"]
        read_only_fields = ["path"]


class OfficeSerializer(ScopedModelSerializer):
    class Meta:
        model = Office
        fields = ["id", "name", "region", "hotline", "email", "address", "schools_per_inspector", "schools_per_zone",
                  "checkin_radius_m"]


class SchoolSerializer(ScopedModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = School
        fields = [
            "id", "code", "name", "kind", "kind_display", "ownership", "location", "region", "address",
            "enrolment_kindergarten", "enrolment_primary", "enrolment_junior", "enrolment_senior",
            "liaison_name", "liaison_phone", "principal_name", "latitude", "longitude", "is_active",
        ]
        extra_kwargs = {"latitude": {"coerce_to_string": False}, "longitude": {"coerce_to_string": False}}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        lat = attrs.get("latitude", getattr(self.instance, "latitude", None))
        lon = attrs.get("longitude", getattr(self.instance, "longitude", None))
        if (lat is None) != (lon is None):
            missing = "longitude" if lon is None else "latitude"
            raise serializers.ValidationError({missing: _("Give both latitude and longitude, or neither.")})
        return attrs


class ZoneSerializer(ScopedModelSerializer):
    class Meta:
        model = Zone
        fields = ["id", "office", "name", "number", "description", "is_active"]


class DepartmentSerializer(ScopedModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "office", "name", "kind", "kind_display", "region", "number", "is_active"]


class ZoneMembershipSerializer(ScopedModelSerializer):
    class Meta:
        model = ZoneMembership
        fields = ["id", "zone", "school", "valid_from", "valid_to"]


class ZoneAssignInputSerializer(serializers.Serializer):
    zone = serializers.IntegerField(allow_null=True, min_value=1)
    valid_from = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class RegionViewSet(AuditedViewSet):
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    select_related = ("parent",)
    ordering_fields = ["code", "name", "level"]


class OfficeViewSet(AuditedViewSet):
    serializer_class = OfficeSerializer
    filterset_class = OfficeFilterSet
    select_related = ("region",)
    ordering_fields = ["name"]


class SchoolViewSet(AuditedViewSet):
    serializer_class = SchoolSerializer
    filterset_class = SchoolFilterSet
    select_related = ("region",)
    ordering_fields = ["code", "sort_key", "kind", "enrolment_primary"]

    @extend_schema(request=ZoneAssignInputSerializer, responses={
        200: ZoneMembershipSerializer, 204: OpenApiResponse(description="taken out of every zone"),
        400: OpenApiResponse(description="refused with the reason (a change may not overwrite the dated history); nothing written")})
    @action(detail=True, methods=["post"], url_path="assign-zone")
    def assign_zone(self, request, pk=None):
        """Moves the school into a zone from a date (null zone: out of every zone, answered 204)."""
        school = self.get_object()
        data = validated(ZoneAssignInputSerializer, request)
        membership = services.zone_assign_school(
            actor=request.user, school_id=school.pk, zone_id=data["zone"],
            on=data.get("valid_from") or timezone.localdate(),
            reason=data.get("reason", ""),
        )
        if membership is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ZoneMembershipSerializer(membership, context={"request": request}).data)


class ZoneViewSet(AuditedViewSet):
    serializer_class = ZoneSerializer
    filterset_class = ZoneFilterSet
    select_related = ("office",)
    ordering_fields = ["name"]


class DepartmentViewSet(AuditedViewSet):
    """The responsible units of the offices that are not schools (教育局股室, 乡镇教育办)."""

    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    select_related = ("office", "region")
    ordering_fields = ["name", "number"]
    ordering = ("office", "number", "pk")


class ZoneMembershipViewSet(ScopedReadViewSet):
    """Dated zone memberships (read-only; move schools with ``schools/{id}/assign-zone/``)."""

    serializer_class = ZoneMembershipSerializer
    filterset_class = ZoneMembershipFilterSet
    ordering_fields = ["valid_from"]
    select_related = ("zone", "school")
    ordering = ("-valid_from", "pk")


# ---- the working-day calendar ----------------------------------------------------------------------

class CalendarDaySerializer(ScopedModelSerializer):
    # not null, unlike the model's (the statutory days have no office); the choices are the user's
    # view scope (ScopedSerializerMixin)
    office = serializers.PrimaryKeyRelatedField(queryset=Office.objects.all())  # scope: narrowed to for_user

    class Meta:
        model = CalendarDay
        fields = ["id", "office", "date", "kind", "name", "note"]
        validators = []  # one entry per office and date: the service says so, with the reason


class YearDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=CalendarDay.Kind.choices)
    working = serializers.BooleanField(help_text="Whether the day is a working day for the office.")
    name = serializers.CharField()
    note = serializers.CharField()
    statutory = serializers.BooleanField(help_text="The State Council's arrangement, not an office's entry.")
    office = serializers.IntegerField(allow_null=True, help_text="The office whose entry decides the day.")
    id = serializers.IntegerField()


class CalendarYearSerializer(serializers.Serializer):
    office = serializers.IntegerField()
    year = serializers.IntegerField()
    covered = serializers.BooleanField(help_text="Whether the statutory calendar covers the year; if not, "
                                                 "only weekends and the offices' entries are days off.")
    days = YearDaySerializer(many=True)


class CalendarImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The workbook (.xlsx) in the columns of the template: 日期, 类型, 名称, 备注.")
    office = serializers.IntegerField(required=False, min_value=1, help_text="Default: your office.")


class CalendarImportResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()


class CalendarDayViewSet(UploadActionsMixin, AuditedViewSet):
    """The offices' own days (a holiday or a working day for the office and the offices below it);
    ``year/`` gives the days in force for an office's year: the statutory holidays and 调休 working
    days and the offices' entries, the lowest office's winning; ``import/`` reads a workbook."""

    serializer_class = CalendarDaySerializer
    filterset_class = CalendarDayFilterSet
    select_related = ("office",)
    ordering_fields = ["date"]
    ordering = ("date", "pk")
    save_service = services.calendar_day_save
    delete_service = services.calendar_day_delete
    upload_actions = frozenset({"import_days"})

    def get_queryset(self):
        return super().get_queryset().filter(office__isnull=False)

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True),
                               OpenApiParameter("office", int, description="Default: your office.")],
                   responses={200: CalendarYearSerializer}, filters=False)
    @action(detail=False, methods=["get"], url_path="year", url_name="year", pagination_class=None,
            filter_backends=[])
    def year(self, request):
        """The special days of one year for an office (by default the user's own): every date that is not
        an ordinary weekday or weekend day, with the entry that decides it."""
        year = year_or_none(request.query_params.get("year", ""))
        office_id = request.query_params.get("office", "")
        if year is None:
            raise serializers.ValidationError({"year": [year_message()]})
        if office_id and not office_id.isdigit():
            raise serializers.ValidationError({"office": [_("Enter a whole number.")]})
        offices = Office.objects.for_user(request.user).select_related("region").order_by("region__path")
        office = (offices.get(pk=int(office_id)) if office_id
                  else offices.filter(pk__in=sorted(offices_of(request.user))).first() or offices.first())
        if office is None:
            raise serializers.ValidationError({"office": [_("Name the office.")]})
        days = [{"date": day.date, "kind": day.kind, "working": day.kind == CalendarDay.Kind.WORKING,
                 "name": day.name, "note": day.note, "statutory": day.office_id is None, "office": day.office_id,
                 "id": day.pk} for day in working_days.year_days(office, year)]
        return Response(CalendarYearSerializer({"office": office.pk, "year": year, "days": days,
                                                "covered": year in working_days.covered_years()}).data)

    @extend_schema(operation_id="organizations_calendar_days_import",
                   request={"multipart/form-data": CalendarImportInputSerializer},
                   responses={201: CalendarImportResultSerializer,
                              400: OpenApiResponse(description="Every (row, column, reason); nothing written.")})
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_days(self, request):
        """Imports an office's own days from a workbook: every row is checked first; with any problem
        nothing is written and every (row, column, reason) is answered."""
        if not request.user.has_perm(CalendarDayImporter.permission):
            raise PermissionDenied
        data = validated(CalendarImportInputSerializer, request)
        office = (Office.objects.for_user(request.user).get(pk=data["office"]) if data.get("office")
                  else own_calendar_office(request.user))
        importer = CalendarDayImporter(request.user, office=office)
        report = importer.validate(data["file"])
        if not report.ok:
            raise serializers.ValidationError({"file": [e.as_dict() for e in report.errors]})
        with transaction.atomic():
            count = importer.write(report.rows)
        return Response({"imported": count}, status=status.HTTP_201_CREATED)
