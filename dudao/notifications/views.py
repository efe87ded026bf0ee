from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from dudao.core.views import ObjectListView, OfficeSettingsView
from dudao.notifications import selectors, services, tables
from dudao.notifications.filters import DeliveryFilterSet
from dudao.notifications.forms import ChannelSettingsForm, PreferenceForm, channels_from, channels_initial
from dudao.notifications.models import ChannelSettings, Delivery, Notification, Preference
from dudao.notifications.services import notification_mark_read


class InboxView(LoginRequiredMixin, TemplateView):
    template_name = "notifications/inbox.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["notifications"] = Notification.objects.for_user(self.request.user)[:200]
        return ctx


class NotificationOpenView(LoginRequiredMixin, View):
    def post(self, request, pk):
        n = notification_mark_read(actor=request.user, notification_id=pk)
        url = n.url if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}) else "/"
        return HttpResponseRedirect(url)


class PreferenceView(LoginRequiredMixin, TemplateView):
    """A person's own channels per kind of message (nobody else's: the page has no one else to name)."""

    template_name = "notifications/preferences.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            pref = Preference.objects.for_user(self.request.user).first() or Preference(user=self.request.user)
            ctx["form"] = PreferenceForm(initial={"digest": pref.digest, **channels_initial(pref.channels)})
        ctx["title"] = _("My message channels")
        return ctx

    def post(self, request):
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                services.preference_set(actor=request.user, channels=channels_from(form.cleaned_data),
                                        digest=form.cleaned_data["digest"])
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ChannelSettingsView(OfficeSettingsView):
    """The office's robots, gateway, default channels per kind and low-priority kinds; secrets masked."""

    model = ChannelSettings
    template_name = "notifications/channel_settings.html"

    def offices(self):
        return selectors.channel_offices(user=self.request.user)

    def own_office_ids(self):
        return services.office_ids_owned(self.request.user)

    def can_change(self, office) -> bool:
        return services.may_change_channels(self.request.user, office)

    def get_form(self, office, data=None):
        row = selectors.channel_settings_of(user=self.request.user, office=office)
        if data is not None:
            return ChannelSettingsForm(data, masked=selectors.masked(row))
        return ChannelSettingsForm(masked=selectors.masked(row),
                                   initial={"low_priority": row.low_priority, **channels_initial(row.defaults)})

    def save(self, office, form) -> None:
        services.channel_settings_set(actor=self.request.user, office_id=office.pk,
                                      defaults=channels_from(form.cleaned_data),
                                      low_priority=form.cleaned_data["low_priority"], **form.secrets())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        office = kwargs["office"]
        row = selectors.channel_settings_of(user=self.request.user, office=office)
        ctx.update({"title": _("Message channels"), "offices": self.offices(), "masked": selectors.masked(row),
                    "row": row, "can_change": self.can_change(office)})
        return ctx


class DeliveryListView(ObjectListView):
    """The delivery log of the office's messages: sent, failed and why."""

    model = Delivery
    filterset_class = DeliveryFilterSet
    title = gettext_lazy("Delivery log")
    default_ordering = ("-created_at", "-pk")
    columns = tables.DELIVERY_COLUMNS
    selector = selectors.delivery_list
