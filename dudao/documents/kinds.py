"""The kinds of document the platform produces, registered by the apps that own their data.

A kind knows how to build its built-in template (a python-docx document with Jinja tags in the
GB/T 9704-2012 layout) and gives a complete sample context, which checks every template an office
uploads: a tag the sample cannot fill is a broken placeholder and the upload is refused.
"""

from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_NUMBER_PATTERN = "{office}教督〔{year}〕{seq}号"


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str
    build_default: Callable
    sample_context: Callable[[], dict]
    numbered: bool = False
    default_number_pattern: str = DEFAULT_NUMBER_PATTERN
    description: str = ""


_REGISTRY: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    _REGISTRY[kind.code] = kind
    return kind


def get(code: str) -> DocumentKind:
    """The registered kind ``code``; ``KeyError`` for an unknown one."""
    return _REGISTRY[code]


def all_kinds() -> list[DocumentKind]:
    return sorted(_REGISTRY.values(), key=lambda k: k.code)


def choices() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in all_kinds()]
