from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView, View

from dudao.notifications.models import Notification
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
