"""API base classes: every viewset reads through ``for_user`` and writes through a service."""

import copy
import datetime
import sys
import typing
from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dudao.core.choices import MAX_ID, YEAR_MESSAGE, YEARS
from dudao.core.excel import UploadRefused
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
    elif isinstance(exc, UploadRefused):
        exc = exceptions.ValidationError({"file": [str(exc.message)]})
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code >= 400:
        transaction.set_rollback(True)
    return response


class UploadActionsMixin:
    """A viewset whose ``upload_actions`` read an uploaded file: those run outside the request's
    transaction (``ATOMIC_REQUESTS``), so that reading and checking the file holds no database lock;
    their services write in their own transaction."""

    upload_actions: frozenset[str] = frozenset()

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        if actions and cls.upload_actions & set(actions.values()):
            view = transaction.non_atomic_requests(view)
        return view

    def handle_exception(self, exc):
        # the error answer marks "the request's transaction" for rollback: here, one of its own
        with transaction.atomic():
            return super().handle_exception(exc)


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


def validated(serializer_class, request, **kwargs):
    """The request's input as ``serializer_class`` reads it; invalid input answers 400 with every
    field's reason."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ScopedQuerysetMixin:
    """The rows of ``model`` (by default the model of ``serializer_class``) in the user's view scope, joined
    with ``select_related`` and ``prefetch_related``; ``ordering`` is the order of a list without
    ``?ordering=``."""

    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("pk",)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is None:
            cls.model = getattr(getattr(getattr(cls, "serializer_class", None), "Meta", None), "model", None)

    def get_queryset(self):
        qs = self.model.objects.for_user(self.request.user, "view")
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs


class ScopedReadViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Lists and retrieves from the user's scope; any writes are the viewset's own actions."""


class ScopedViewSet(ScopedQuerysetMixin, viewsets.ModelViewSet):
    """Lists and retrieves from the user's scope; saves and deletes through audited services.

    Subclasses set ``model``, ``serializer_class``, ``filterset_class``, ``save_service`` and
    ``delete_service`` (``service(actor=, instance=)``).
    """

    save_service = None
    delete_service = None

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


# ---- answers built by selectors ------------------------------------------------------------------

PLAIN_FIELDS = {int: serializers.IntegerField, float: serializers.FloatField, str: serializers.CharField,
                bool: serializers.BooleanField, datetime.date: serializers.DateField}


def plain_serializer(name: str, doc: str | None = None, /, **fields) -> type[serializers.Serializer]:
    """The serializer class ``name`` of an answer that a selector builds (for the schema): a field by its
    type (``int``, ``float``, ``str``, ``bool``, ``datetime.date``; ``T | None`` when it may be null),
    or a serializer field where it needs more (copied, so that the fields keep the order given)."""
    def field(spec):
        if isinstance(spec, serializers.Field):
            return copy.deepcopy(spec)
        kinds = typing.get_args(spec) or (spec,)
        (kind,) = (k for k in kinds if k is not type(None))
        return PLAIN_FIELDS[kind](allow_null=True) if type(None) in kinds else PLAIN_FIELDS[kind]()

    namespace = {"__module__": sys._getframe(1).f_globals["__name__"], "__qualname__": name, "__doc__": doc}
    return type(name, (serializers.Serializer,), {**namespace, **{k: field(v) for k, v in fields.items()}})


class YearField(serializers.IntegerField):
    """A year of ``YEARS``; a year outside is told the one year message."""

    default_error_messages = {"min_value": YEAR_MESSAGE, "max_value": YEAR_MESSAGE}

    def __init__(self, **kwargs):
        super().__init__(min_value=YEARS.start, max_value=YEARS.stop - 1, **kwargs)


# ---- transitions -----------------------------------------------------------------------------------

class TransitionReasonInputSerializer(serializers.Serializer):
    """The input of a transition that takes nothing but an optional reason for the audit."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


def id_param(request, name: str) -> int | None:
    """The id given in the query parameter ``name``, ``None`` when left out; 400 when not a number."""
    value = request.query_params.get(name, "")
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or abs(number) > MAX_ID:
        raise exceptions.ValidationError({name: [_("Give a number.")]})
    return number


def from_queryset(view, obj, result):
    """The answer reads the object again through the viewset's queryset (its scope and joins)."""
    return view.get_queryset().get(pk=obj.pk)


def reread(view, obj, code=status.HTTP_200_OK) -> Response:
    """The answer to a write: ``obj`` read again through the viewset's queryset, in its serializer."""
    return Response(view.get_serializer(from_queryset(view, obj, None)).data, status=code)


def refreshed(view, obj, result):
    """The answer is the object as fetched, refreshed from the database."""
    obj.refresh_from_db()
    return obj


def service_result(view, obj, result):
    """The answer is what the service returned."""
    return result


def transition_action(name, service, *, id_kwarg, output, input=TransitionReasonInputSerializer, doc=None,
                      attr=None, url_path=None, url_name=None, request_schema=None, validate=True,
                      check=None, arguments=None, reload=from_queryset, extra=None, action_kwargs=None):
    """The ``POST {id}/{name}/`` action of a viewset that moves its object through a service.

    The one shape of every transition of the API: the object through the viewset's scope (404),
    ``check(actor, obj, name)`` if given (403/409 before the input is read), the ``input``
    serializer (400), the service ``service(actor=, <id_kwarg>=obj.pk, **arguments)`` (403, 409),
    then ``output`` of the object read again by ``reload(view, obj, result)`` (200), with
    ``extra(view, obj)`` merged in.

    ``service`` is the service or a map of services by transition name (``*_TRANSITION_SERVICES``),
    read when the request comes. ``arguments(validated_data, request)`` gives the service's keyword
    arguments (default: the validated input as is); ``validate=False`` documents ``input`` without
    reading it (the service takes nothing). ``attr`` is the method's name on the viewset (the
    router's and ``self.action``'s name; default ``name``), ``url_path`` / ``url_name`` default to
    ``name`` and to the name DRF would give the method. ``request_schema`` overrides the documented
    request body (e.g. ``{"multipart/form-data": ...}``), ``doc`` is the operation's description.
    """
    attr = attr or name
    url_path = url_path or name
    url_name = url_name or attr.replace("_", "-")

    def handler(self, request, pk=None):
        obj = self.get_object()
        if check is not None:
            check(request.user, obj, name)
        values = {}
        if validate:
            data = validated(input, request)
            values = arguments(data, request) if arguments else dict(data)
        fn = service[name] if isinstance(service, Mapping) else service
        result = fn(actor=request.user, **{id_kwarg: obj.pk}, **values)
        more = extra(self, obj) if extra else {}
        body = output(reload(self, obj, result), context={"request": request}).data
        return Response({**body, **more} if more else body)

    # named before @action runs: its method map records the function's name, and the router
    # builds a route only when the viewset has an attribute of that name
    handler.__name__ = attr
    handler.__qualname__ = attr
    handler.__doc__ = doc
    handler.transition = name  # marks the action as made here (the conventions test reads it)
    handler = action(detail=True, methods=["post"], url_path=url_path, url_name=url_name,
                     **(action_kwargs or {}))(handler)
    return extend_schema(request=request_schema if request_schema is not None else input,
                         responses=output)(handler)


def attach_transitions(viewset, services_map, *, doc=None, **options):
    """Adds ``transition_action(name, services_map, ...)`` to ``viewset`` for every name of the map;
    ``doc`` is formatted with ``name``."""
    for name in services_map:
        made = transition_action(name, services_map, doc=doc.format(name=name) if doc else None, **options)
        setattr(viewset, made.__name__, made)


ERROR = {
    "type": "object",
    "description": "What went wrong, in the user's language.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
INVALID = {
    "description": "The messages of the fields that are wrong (by field name), or a list of messages.",
    "anyOf": [{"type": "object", "additionalProperties": True}, {"type": "array", "items": {"type": "string"}}],
}
ERRORS = (  # status, component, description, for which operations
    ("400", "ValidationError", INVALID, "The request is invalid; nothing changed.", "any"),
    ("401", "Error", ERROR, "No valid token or session.", "signed_in"),
    ("403", "Error", ERROR, "Not allowed for this user (or the password must be changed first).", "any"),
    ("404", "Error", ERROR, "Not found, or not visible to this user.", "any"),
    ("409", "Error", ERROR, "The record is not in a state that allows this.", "write"),
    ("415", "Error", ERROR, "The request body's media type is not accepted.", "write"),
    ("429", "Error", ERROR, "Too many requests; try again later.", "throttled"),
)


class AutoSchema(SpectacularAutoSchema):
    """The schema as the API answers: every operation documents the error answers of ``exception_handler``
    (a client, and a schema-driven test, knows every status it can give and its body), and a list a
    detail route answers (``…/{id}/links/``) comes whole, neither paged nor filtered."""

    def _on_collection(self) -> bool:
        return not getattr(self.view, "detail", False)

    def get_filter_backends(self):
        return super().get_filter_backends() if self._on_collection() else []

    def _get_paginator(self):
        return super()._get_paginator() if self._on_collection() else None

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        applies = {
            "any": True,
            "signed_in": any(not isinstance(p, AllowAny) for p in self.view.get_permissions()),
            "write": self.method not in ("GET", "HEAD", "OPTIONS"),
            "throttled": bool(self.view.get_throttles()),
        }
        refs = {}
        for code, name, schema, description, which in ERRORS:
            component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
            self.registry.register_on_missing(component)
            refs[code] = component.ref
            if applies[which] and code not in responses:
                responses[code] = {"description": description, "content": {"application/json": {"schema": component.ref}}}
        # an operation's own 400 (an import's report) comes after its input is valid: else the handler's
        declared = responses["400"].get("content", {}).get("application/json")
        if declared and declared["schema"] != refs["400"]:
            declared["schema"] = {"anyOf": [declared["schema"], refs["400"]]}
        return responses
