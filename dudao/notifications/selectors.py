from dudao.notifications.models import ChannelSettings, Delivery
from dudao.notifications.services import mask, office_model


def channel_offices(*, user):
    """The offices whose channels the user may read: their office's subtree."""
    return office_model().objects.for_user(user).select_related("region").order_by("region__path")


def channel_settings_of(*, user, office) -> ChannelSettings:
    return (ChannelSettings.objects.for_user(user).filter(office=office).first()
            or ChannelSettings(office=office))


def masked(row: ChannelSettings) -> dict:
    """The secrets as pages and the API show them."""
    return {f: mask(getattr(row, f)) for f in ChannelSettings.SECRET_FIELDS}


def delivery_list(*, user):
    return Delivery.objects.for_user(user).select_related("notification__recipient", "office")
