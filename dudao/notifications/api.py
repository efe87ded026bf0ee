"""The API twins of the message channels: the office's channels (secrets masked) and their setting,
a person's own preferences, and the delivery log."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dudao.core.api import ScopedReadViewSet, validated
from dudao.notifications import services
from dudao.notifications.channels import reason_text
from dudao.notifications.filters import DeliveryFilterSet
from dudao.notifications.models import Channel, ChannelSettings, Delivery, Kind, Preference


def _channels_field(**kwargs):
    return serializers.DictField(child=serializers.ListField(child=serializers.ChoiceField(Channel.choices)),
                                 help_text="Channels per kind of message: {kind: [channel, ...]}.", **kwargs)


class ChannelSettingsSerializer(serializers.ModelSerializer):
    """The secrets are shown masked: at most their last four characters."""

    wecom_url = serializers.SerializerMethodField()
    dingtalk_url = serializers.SerializerMethodField()
    dingtalk_secret = serializers.SerializerMethodField()
    webhook_url = serializers.SerializerMethodField()
    webhook_secret = serializers.SerializerMethodField()
    defaults = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    low_priority = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = ChannelSettings
        fields = ["id", "office", "wecom_url", "dingtalk_url", "dingtalk_secret", "webhook_url", "webhook_secret",
                  "defaults", "low_priority"]

    def get_wecom_url(self, obj) -> str:
        return services.mask(obj.wecom_url)

    def get_dingtalk_url(self, obj) -> str:
        return services.mask(obj.dingtalk_url)

    def get_dingtalk_secret(self, obj) -> str:
        return services.mask(obj.dingtalk_secret)

    def get_webhook_url(self, obj) -> str:
        return services.mask(obj.webhook_url)

    def get_webhook_secret(self, obj) -> str:
        return services.mask(obj.webhook_secret)


class ChannelSettingsInputSerializer(serializers.Serializer):
    """A secret left out keeps its stored value; an empty string removes it."""

    office = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    wecom_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    dingtalk_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    dingtalk_secret = serializers.CharField(required=False, allow_blank=True, max_length=200)
    webhook_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    webhook_secret = serializers.CharField(required=False, allow_blank=True, max_length=200)
    defaults = _channels_field(required=False)
    low_priority = serializers.ListField(child=serializers.ChoiceField(Kind.choices), required=False)


class ChannelSettingsViewSet(ScopedReadViewSet):
    """The office's message channels (WeCom and DingTalk robots, the SMS gateway), default channels per
    kind and low-priority kinds; ``POST set/`` changes them (office administrators of the office)."""

    serializer_class = ChannelSettingsSerializer
    select_related = ("office",)

    @property
    def required_action(self):
        return "change" if getattr(self, "action", None) == "set" else None  # the service checks the office

    @extend_schema(request=ChannelSettingsInputSerializer, responses={200: ChannelSettingsSerializer})
    @action(detail=False, methods=["post"], url_path="set", url_name="set")
    def set(self, request):
        """Sets the office's channels; secrets left out are kept."""
        v = validated(ChannelSettingsInputSerializer, request)
        office_id = v.pop("office")
        row = services.channel_settings_set(actor=request.user, office_id=office_id, **v)  # 404 unseen, 403
        return Response(ChannelSettingsSerializer(row, context={"request": request}).data)


class PreferenceSerializer(serializers.Serializer):
    channels = _channels_field()
    digest = serializers.BooleanField(required=False, default=False)


class PreferenceViewSet(viewsets.ViewSet):
    """The signed-in person's own message channels per kind (nobody else's)."""

    serializer_class = PreferenceSerializer

    @extend_schema(responses=PreferenceSerializer)
    @action(detail=False, methods=["get"], url_path="mine", url_name="mine")
    def mine(self, request):
        """The signed-in person's channels per kind and whether they take the daily digest."""
        pref = Preference.objects.for_user(request.user).first() or Preference(user=request.user)
        return Response(PreferenceSerializer({"channels": pref.channels, "digest": pref.digest}).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    @action(detail=False, methods=["post"], url_path="set", url_name="set")
    def set(self, request):
        """Sets the signed-in person's channels per kind (an unknown kind: 400)."""
        v = validated(PreferenceSerializer, request)
        pref = services.preference_set(actor=request.user, channels=v["channels"], digest=v["digest"])
        return Response(PreferenceSerializer({"channels": pref.channels, "digest": pref.digest}).data,
                        status=status.HTTP_200_OK)


class DeliverySerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="notification.title", read_only=True)
    kind = serializers.CharField(source="notification.kind", read_only=True)
    recipient = serializers.CharField(source="notification.recipient.__str__", read_only=True)
    reason = serializers.SerializerMethodField(help_text="The last error in the reader's language.")

    class Meta:
        model = Delivery
        fields = ["id", "office", "title", "kind", "recipient", "channel", "status", "attempts", "last_error",
                  "reason", "created_at", "sent_at"]

    def get_reason(self, obj) -> str:
        return reason_text(obj.last_error)


class DeliveryViewSet(ScopedReadViewSet):
    """The delivery log: each message through each channel, its status, tries and why it failed."""

    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilterSet
    select_related = ("notification__recipient",)
    ordering = ("-created_at", "-pk")


def register(router) -> None:
    router.register("notifications/channel-settings", ChannelSettingsViewSet, basename="notifications-channelsettings")
    router.register("notifications/preferences", PreferenceViewSet, basename="notifications-preference")
    router.register("notifications/deliveries", DeliveryViewSet, basename="notifications-delivery")
