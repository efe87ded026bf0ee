from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render

from dudao.core.workflow import TransitionNotAllowed


class DomainErrorMiddleware:
    """Maps domain exceptions to HTTP answers once for every HTML view: 409 wrong state, 404 unseen."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, TransitionNotAllowed):
            return render(request, "409.html", {"message": str(exception)}, status=409)
        if isinstance(exception, ObjectDoesNotExist):
            raise Http404 from exception
        return None
