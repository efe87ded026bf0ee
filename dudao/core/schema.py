"""The OpenAPI schema as the API answers: every operation documents the error answers of
``core.api.exception_handler`` too (so a client, and a schema-driven test, knows every status an
operation can give and its body), and a list a detail route answers (``…/{id}/links/``) comes whole,
neither paged nor filtered."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

ERROR = {
    "type": "object",
    "description": "What went wrong, in the user's language.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
INVALID = {
    "description": "The messages of the fields that are wrong (by field name), or a list of messages.",
    "oneOf": [{"type": "object", "additionalProperties": True}, {"type": "array", "items": {"type": "string"}}],
}
ERRORS = (  # status, component, description, for which operations
    ("400", "ValidationError", INVALID, "The request is invalid; nothing changed.", "any"),
    ("401", "Error", ERROR, "No valid token or session.", "signed_in"),
    ("403", "Error", ERROR, "Not allowed for this user (or the password must be changed first).", "any"),
    ("404", "Error", ERROR, "Not found, or not visible to this user.", "any"),
    ("409", "Error", ERROR, "The record is not in a state that allows this.", "write"),
    ("429", "Error", ERROR, "Too many requests; try again later.", "throttled"),
)


class AutoSchema(SpectacularAutoSchema):
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
        for status, name, schema, description, which in ERRORS:
            if applies[which] and status not in responses:
                component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
                self.registry.register_on_missing(component)
                responses[status] = {"description": description,
                                     "content": {"application/json": {"schema": component.ref}}}
        return responses
