"""The API twin of the change-password page: ``POST /api/v1/auth/password/``."""

from django.contrib.auth import update_session_auth_hash
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from dudao.accounts import services
from dudao.accounts.forms import PasswordChangeForm


class PasswordChangeInputSerializer(serializers.Serializer):
    old_password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    new_password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class PasswordChangeResultSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PasswordChangeView(APIView):
    """Changes the caller's own password (the current one, then the new one, checked as on the page).
    It is the one call open to an account that must change the password an office set."""

    open_before_password_change = True  # see ``accounts.authentication``
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=PasswordChangeInputSerializer, responses={200: PasswordChangeResultSerializer})
    def post(self, request):
        from django.utils.translation import gettext as _

        data = PasswordChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password = data.validated_data["new_password"]
        form = PasswordChangeForm(request.user, {"old_password": data.validated_data["old_password"],
                                                 "new_password1": password, "new_password2": password})
        if not form.is_valid():
            errors = form.errors.get_json_data()
            fields = {"old_password": "old_password", "new_password1": "new_password", "new_password2": "new_password"}
            raise serializers.ValidationError({fields.get(k, k): [e["message"] for e in v] for k, v in errors.items()})
        user = services.user_change_password(actor=request.user, password=password)
        if request.auth is None:  # a browser session stays signed in
            update_session_auth_hash(request._request, user)
        return Response({"detail": _("Your password has been changed.")})
