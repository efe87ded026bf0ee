"""Public pages, no sign-in: what a school's signboard QR code opens (see ``signboards``)."""

from django.http import Http404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from dudao.inspectors.signboards import public_school_page


class PublicSchoolView(TemplateView):
    template_name = "inspectors/public_school.html"

    def get_context_data(self, **kwargs):
        page = public_school_page(school_id=self.kwargs["pk"], token=self.kwargs["token"])
        if page is None:
            raise Http404
        return {**super().get_context_data(**kwargs), **page, "title": page["school"]["name"] or _("School")}

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "public, max-age=300"
        return response
