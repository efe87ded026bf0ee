"""Reading an answer sheet from a submitted form into the engine's values (pure; no ORM).

Form fields are named ``q-<item code>``: one value for rating, single-choice, yes/no ("yes"/"no"),
number and text items, several for multiple choice. Blank fields are unanswered (``None``); the
engine's ``validate_answers`` then says what is missing or wrong.
"""

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from dudao.instruments.scoring import ItemSpec

PREFIX = "q-"
TEXT_LIMIT = 2000


def field_name(code: str) -> str:
    return f"{PREFIX}{code}"


def read_answers(specs: Sequence[ItemSpec], data) -> dict:
    """``{item code: value}`` for every answerable item from ``data`` (a QueryDict or a dict of lists)."""
    answers: dict = {}
    for spec in specs:
        if spec.is_section or spec.response_type == "files":
            continue
        name = field_name(spec.code)
        if spec.response_type == "multiple_choice":
            values = data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])
            values = [v for v in (str(v).strip() for v in values) if v]
            answers[spec.code] = values or None
            continue
        raw = data.get(name)
        raw = "" if raw is None else str(raw).strip()
        if raw == "":
            answers[spec.code] = None
        elif spec.response_type == "yes_no":
            answers[spec.code] = {"yes": True, "no": False}.get(raw, raw)
        elif spec.response_type in ("number", "score"):
            try:
                number = Decimal(raw)
                answers[spec.code] = int(number) if number == number.to_integral_value() else float(number)
            except (InvalidOperation, OverflowError, ValueError):
                answers[spec.code] = raw  # the engine reports "Enter a number."
        elif spec.response_type == "text":
            answers[spec.code] = raw[:TEXT_LIMIT]
        else:
            answers[spec.code] = raw
    return answers
