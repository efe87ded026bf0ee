"""The API of accounts: the token exchange (``POST /api/v1/auth/token/``), the twin of the
change-password page (``POST /api/v1/auth/password/``) and the people with roles in the caller's
area, whose sign-in lock an office administrator can lift (``/api/v1/accounts/memberships/``)."""

import math

from django.contrib.auth import update_session_auth_hash
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from dudao.accounts import services
from dudao.accounts.forms import PasswordChangeForm
from dudao.accounts.lockout import refused_message
from dudao.accounts.models import Membership
from dudao.core.api import validated


class TokenResultSerializer(serializers.Serializer):
    token = serializers.CharField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenView(ObtainAuthToken):
    """Exchanges a username and password for an API token. After too many wrong passwords the
    account or the client is refused for a while: 429, with ``Retry-After`` and the time in ``detail``."""

    @extend_schema(responses={
        200: TokenResultSerializer,
        400: OpenApiResponse(description="A wrong username or password (each field's errors, or non_field_errors)."),
        429: OpenApiResponse(DetailSerializer, description="Signing in is paused; Retry-After gives the seconds."),
    })
    def post(self, request, *args, **kwargs):
        # answers a refusal itself: through the exception handler, the request's transaction would
        # forget the failure just counted
        try:
            return super().post(request, *args, **kwargs)
        except serializers.ValidationError as error:
            until = getattr(request, "login_locked_until", None)
            if until is None:
                return Response(error.detail, status=status.HTTP_400_BAD_REQUEST)
        wait = max(1, math.ceil((until - timezone.now()).total_seconds()))
        return Response({"detail": refused_message(until)}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                        headers={"Retry-After": str(wait)})


class PasswordChangeInputSerializer(serializers.Serializer):
    old_password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    new_password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class PasswordChangeView(APIView):
    """Changes the caller's own password (the current one, then the new one, checked as on the page).
    It is the one call open to an account that must change the password an office set."""

    open_before_password_change = True  # see ``accounts.authentication``
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=PasswordChangeInputSerializer, responses={200: DetailSerializer})
    def post(self, request):
        from django.utils.translation import gettext as _

        data = validated(PasswordChangeInputSerializer, request)
        password = data["new_password"]
        form = PasswordChangeForm(request.user, {"old_password": data["old_password"],
                                                 "new_password1": password, "new_password2": password})
        if not form.is_valid():
            errors = form.errors.get_json_data()
            fields = {"old_password": "old_password", "new_password1": "new_password", "new_password2": "new_password"}
            raise serializers.ValidationError({fields.get(k, k): [e["message"] for e in v] for k, v in errors.items()})
        user = services.user_change_password(actor=request.user, password=password)
        if request.auth is None:  # a browser session stays signed in
            update_session_auth_hash(request._request, user)
        return Response({"detail": _("Your password has been changed.")})


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    locked_until = serializers.DateTimeField(source="user.locked_until", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "full_name", "role", "office", "zone", "school", "department", "valid_from",
                  "valid_to", "locked_until"]


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The roles of people in the caller's area; ``locked_until`` is set while an account's sign-in
    is locked after too many wrong passwords."""

    serializer_class = MembershipSerializer
    ordering_fields = ["valid_from", "user__username"]

    def get_queryset(self):
        return Membership.objects.for_user(self.request.user, "view").select_related("user").order_by("pk")

    @extend_schema(request=None, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        """Lets the person sign in again now (an office administrator, for the people of their office)."""
        membership = services.user_unlock(actor=request.user, membership_id=self.get_object().pk)
        return Response(MembershipSerializer(self.get_queryset().get(pk=membership.pk)).data)
