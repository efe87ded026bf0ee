from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views import View

from dudao.accounts.services import user_set_language


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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
