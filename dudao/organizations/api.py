from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.audit.api import AuditedViewSet
from dudao.core.api import ScopedModelSerializer, ScopedReadViewSet, validated
from dudao.organizations import services
from dudao.organizations.filters import (
    OfficeFilterSet,
    RegionFilterSet,
    SchoolFilterSet,
    ZoneFilterSet,
    ZoneMembershipFilterSet,
)
from dudao.organizations.models import Office, Region, School, Zone, ZoneMembership


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


class ZoneMembershipSerializer(ScopedModelSerializer):
    class Meta:
        model = ZoneMembership
        fields = ["id", "zone", "school", "valid_from", "valid_to"]


class ZoneAssignInputSerializer(serializers.Serializer):
    zone = serializers.IntegerField(allow_null=True, min_value=1)
    valid_from = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class RegionViewSet(AuditedViewSet):
    model = Region
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    select_related = ("parent",)
    ordering_fields = ["code", "name", "level"]


class OfficeViewSet(AuditedViewSet):
    model = Office
    serializer_class = OfficeSerializer
    filterset_class = OfficeFilterSet
    select_related = ("region",)
    ordering_fields = ["name"]


class SchoolViewSet(AuditedViewSet):
    model = School
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
    model = Zone
    serializer_class = ZoneSerializer
    filterset_class = ZoneFilterSet
    select_related = ("office",)
    ordering_fields = ["name"]


class ZoneMembershipViewSet(ScopedReadViewSet):
    """Dated zone memberships (read-only; move schools with ``schools/{id}/assign-zone/``)."""

    model = ZoneMembership
    serializer_class = ZoneMembershipSerializer
    filterset_class = ZoneMembershipFilterSet
    ordering_fields = ["valid_from"]
    select_related = ("zone", "school")
    ordering = ("-valid_from", "pk")
