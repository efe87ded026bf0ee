from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from dudao.accounts import services, tables
from dudao.accounts.filters import MembershipFilterSet
from dudao.accounts.forms import LoginForm, MembershipForm, PasswordChangeForm
from dudao.accounts.models import Membership
from dudao.accounts.services import user_set_language
from dudao.core.views import ScopedMixin
from dudao.jobs.exports import ExportableListView


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm


class LogoutView(auth_views.LogoutView):
    pass


class LanguageView(View):
    """Switches the language; a signed-in user's choice is saved on their account."""

    def post(self, request):
        code = request.POST.get("language", "")
        next_url = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = "/"
        response = HttpResponseRedirect(next_url)
        if code in dict(settings.LANGUAGES) and check_for_language(code):
            if request.user.is_authenticated:
                user_set_language(actor=request.user, language=code)
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax")
        return response


class ProfileView(LoginRequiredMixin, View):
    def get(self, request):
        from django.shortcuts import render

        memberships = request.user.memberships.current().select_related("office", "zone", "school")
        return render(request, "accounts/profile.html", {"memberships": memberships})


class PasswordChangeView(LoginRequiredMixin, View):
    """The person chooses their own password; required before anything else after an office or an
    administrator set it (``PasswordChangeRequiredMiddleware``)."""

    template_name = "accounts/password_change.html"

    def _next(self, request) -> str:
        next_url = request.POST.get("next") or request.GET.get("next") or "/"
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            return "/"
        return next_url

    def _render(self, request, form, status=200):
        from django.shortcuts import render

        return render(request, self.template_name, {
            "form": form, "next": self._next(request), "required": request.user.must_change_password,
            "title": gettext_lazy("Change your password"),
        }, status=status)

    def get(self, request):
        return self._render(request, PasswordChangeForm(request.user))

    def post(self, request):
        from django.contrib.auth import update_session_auth_hash

        form = PasswordChangeForm(request.user, request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        user = services.user_change_password(actor=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return HttpResponseRedirect(self._next(request))


class MembershipListView(ExportableListView):
    """People and their roles in the office's area: grant, end, reset a password."""

    model = Membership
    filterset_class = MembershipFilterSet
    select_related = ("user", "office", "zone", "school", "department")
    default_ordering = ("-valid_from", "pk")
    add_url_name = "accounts:membership_add"
    template_name = "accounts/membership_list.html"
    row_actions_template = "accounts/partials/_membership_actions.html"
    title = gettext_lazy("Accounts and roles")
    columns = tables.MEMBERSHIP_COLUMNS

    def list_context(self, ctx, user):
        return {"can_manage": user.has_perm("accounts.change_membership")}


class MembershipGrantView(ScopedMixin, TemplateView):
    model = Membership
    template_name = "core/object_edit.html"

    permission_action = "add"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", MembershipForm(user=self.request.user))
        ctx["title"] = gettext_lazy("Grant a role")
        return ctx

    def post(self, request):
        form = MembershipForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        membership, password = services.membership_grant(
            actor=request.user, username=data["username"], role=data["role"], office=data["office"],
            zone=data.get("zone"), school=data.get("school"), department=data.get("department"), valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"), full_name=data.get("full_name", ""), phone=data.get("phone", ""),
        )
        if password:
            messages.success(request, _("Account {username} created. Initial password: {password}").format(
                username=membership.user.username, password=password))
        else:
            messages.success(request, _("Role granted."))
        return HttpResponseRedirect(membership.get_absolute_url())


class MembershipActionView(ScopedMixin, View):
    model = Membership
    action = "change"

    def post(self, request, pk, name):
        membership = self.get_object()
        self.require_perm("change")
        if name == "end":
            services.membership_end(actor=request.user, membership_id=membership.pk)
            messages.success(request, _("Role ended."))
        elif name == "reset-password":
            password = services.user_reset_password(actor=request.user, membership_id=membership.pk)
            messages.success(request, _("New password for {username}: {password}").format(
                username=membership.user.username, password=password))
        elif name == "unlock":
            services.user_unlock(actor=request.user, membership_id=membership.pk)
            messages.success(request, _("{username} can sign in again.").format(username=membership.user.username))
        else:
            from django.http import Http404

            raise Http404
        return HttpResponseRedirect(membership.get_absolute_url())
