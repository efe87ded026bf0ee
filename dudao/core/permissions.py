"""API permission and pagination classes (apart from ``core.api`` so DRF's settings can import them early)."""

from rest_framework import pagination, permissions

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


class Pagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
