"""API base classes: every viewset reads through ``for_user`` and writes through a service."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.views import exception_handler as drf_exception_handler

from dudao.core.scope import ScopedQuerySet
from dudao.core.workflow import TransitionNotAllowed


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object is not in a state that allows this."
    default_code = "conflict"


def exception_handler(exc, context):
    """One mapping of domain errors to HTTP: 400 invalid, 403 not allowed, 404 unseen, 409 wrong state."""
    if isinstance(exc, TransitionNotAllowed):
        exc = Conflict(str(exc))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ProtectedError):
        exc = Conflict(_("This record is still used by other records and cannot be deleted."))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code >= 400:
        transaction.set_rollback(True)
    return response


class ScopedSerializerMixin:
    """Restricts every related field to rows the requesting user may see."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            qs = getattr(target, "queryset", None)
            if isinstance(qs, models.Manager):  # ModelSerializer passes the related model's manager
                qs = qs.all()
            if isinstance(qs, ScopedQuerySet) and user is not None:
                target.queryset = qs.for_user(user, "view")
        return fields


class ScopedModelSerializer(ScopedSerializerMixin, serializers.ModelSerializer):
    pass


class ScopedViewSet(viewsets.ModelViewSet):
    """Lists and retrieves from the user's scope; saves and deletes through audited services.

    Subclasses set ``model``, ``serializer_class``, ``filterset_class``, ``save_service`` and
    ``delete_service`` (``service(actor=, instance=)``).
    """

    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    save_service = None
    delete_service = None
    ordering = ("pk",)

    def get_queryset(self):
        qs = self.model.objects.for_user(self.request.user, "view")
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def check_change_scope(self, obj, action: str = "change") -> None:
        if not self.model.objects.for_user(self.request.user, action).filter(pk=obj.pk).exists():
            raise exceptions.PermissionDenied()

    def perform_create(self, serializer):
        instance = self.model(**serializer.validated_data)
        obj = type(self).save_service(actor=self.request.user, instance=instance)
        self.check_change_scope(obj)
        serializer.instance = obj

    def perform_update(self, serializer):
        self.check_change_scope(serializer.instance)
        instance = serializer.instance
        for key, value in serializer.validated_data.items():
            setattr(instance, key, value)
        serializer.instance = type(self).save_service(actor=self.request.user, instance=instance)

    def perform_destroy(self, instance):
        self.check_change_scope(instance, "delete")
        type(self).delete_service(actor=self.request.user, instance=instance)
