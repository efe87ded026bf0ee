"""API permission and pagination classes (apart from ``core.api`` so DRF's settings can import them early)."""

from rest_framework import pagination, permissions

from dudao.core.paging import CappedPaginator
from dudao.core.scope import permission_name

ACTION_FOR_METHOD = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add",
                     "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class ModelPermission(permissions.BasePermission):
    """Requires an authenticated user holding the model permission for the request's method."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        model = getattr(view, "model", None)
        if model is None:
            return True
        action = getattr(view, "required_action", None) or ACTION_FOR_METHOD.get(request.method, "view")
        return request.user.has_perm(permission_name(model, action))


class ServiceCheckedMixin:
    # the actions in ``service_checked`` ask only to read the row (``required_action``): their services
    # check scope, state and permission themselves (a comment: the schema would show a docstring)

    service_checked: frozenset[str] = frozenset()

    @property
    def required_action(self):
        return "view" if getattr(self, "action", None) in self.service_checked else None


class Pagination(pagination.PageNumberPagination):
    """Pages of at most 500 rows; ``count`` stops at ``DUDAO_LIST_COUNT_CAP`` (``core.paging``)
    and ``count_exact`` says whether it is the whole number."""

    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.exact
        return response

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_exact"] = {
            "type": "boolean", "example": True,
            "description": "False when the list holds more rows than `count`, which stops at the cap.",
        }
        described["required"] = [*described.get("required", []), "count_exact"]
        return described
