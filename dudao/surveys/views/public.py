"""The public answer page of a survey link: no account, made for a phone, rate-limited.

``/s/<token>/`` (and ``/s/<token>/<code>/`` for single-use codes) shows the questionnaire while
the survey is open and before its closing date; a forged token answers 404, a closed survey a
friendly refusal. Nothing about the respondent is stored (see ``services.survey_response_submit``);
the rate limiter keeps only a hashed, expiring counter per client.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from dudao.core.ratelimit import RateLimitMixin
from dudao.instruments.selectors import item_specs, version_items
from dudao.surveys import answering, services
from dudao.surveys.models import SurveyLink

NO_STORE = "no-store"


def _page(request, template, ctx, status=200):
    response = render(request, template, ctx, status=status)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = NO_STORE
    response["Referrer-Policy"] = "same-origin"  # the token never leaves for another site (no-referrer would
    # make browsers send "Origin: null" with the form, which the CSRF check rightly refuses)
    return response


class SurveyAnswerView(RateLimitMixin, View):
    """GET shows the questions (or the refusal); POST stores one anonymous answer sheet."""

    ratelimit_scope = "surveys.answer"
    ratelimit_limit = 30  # answer sheets per client address and window: a family or a classroom on one
    ratelimit_window = 600  # network answers a few; a script filling the survey is stopped
    template_name = "surveys/public_answer.html"

    def link(self, token):
        try:
            return services.public_link(token)
        except SurveyLink.DoesNotExist:
            raise Http404

    def refusal(self, request, link, message, status):
        return _page(request, "surveys/public_message.html", {
            "title": link.survey.title, "survey": link.survey, "school": link.school, "message": message,
            "refused": True}, status=status)

    def context(self, link, code, answers=None, errors=None, code_error=""):
        survey = link.survey
        items = version_items(version=survey.version)
        questions = []
        for item in items:
            questions.append({"item": item, "name": answering.field_name(item.code),
                              "value": (answers or {}).get(item.code),
                              "errors": (errors or {}).get(item.code, [])})
        return {"title": survey.title, "survey": survey, "school": link.school, "group": link.get_group_display(),
                "questions": questions, "code": code or "", "needs_code": survey.single_use,
                "code_error": code_error, "has_errors": bool(errors)}

    def get(self, request, token, code=None):
        link = self.link(token)
        if not link.survey.is_accepting():
            return self.refusal(request, link, _("This survey is closed. Thank you for your interest."), 410)
        if link.survey.single_use and not code and request.GET.get("code"):
            return HttpResponseRedirect(reverse("surveys_public:answer_code",
                                                args=[token, request.GET["code"].strip().upper()[:32]]))
        return _page(request, self.template_name, self.context(link, code))

    def post(self, request, token, code=None):
        link = self.link(token)
        specs = item_specs(version=link.survey.version)
        answers = answering.read_answers(specs, request.POST)
        code = code or request.POST.get("code", "")
        try:
            services.survey_response_submit(token=token, code=code, answers=answers)
        except services.NotAccepting:
            return self.refusal(request, link, _("This survey is closed. Thank you for your interest."), 410)
        except services.CodeRefused as exc:
            message = (_("This code has been used already: each code answers once.") if exc.used
                       else _("This code is not valid for this survey."))
            if exc.used:
                return self.refusal(request, link, message, 409)
            return _page(request, self.template_name, self.context(link, code, answers, code_error=message),
                         status=400)
        except ValidationError as exc:
            return _page(request, self.template_name, self.context(link, code, answers, exc.message_dict), status=400)
        return HttpResponseRedirect(reverse("surveys_public:thanks", args=[token]))


class SurveyThanksView(View):
    def get(self, request, token):
        try:
            link = services.public_link(token)
        except SurveyLink.DoesNotExist:
            raise Http404
        return _page(request, "surveys/public_message.html", {
            "title": link.survey.title, "survey": link.survey, "school": link.school, "refused": False,
            "message": _("Thank you! Your answers have been recorded anonymously.")})
