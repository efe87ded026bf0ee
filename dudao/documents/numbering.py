"""Document numbers (发文字号): one number names one document in an office's year.

* A **number pattern** such as ``{office}教督〔{year}〕{seq}号`` owns one running number per office
  and year (``NumberSequence``), whichever kinds write their numbers with it: two kinds with the
  same pattern share its sequence. Patterns are compared with the office's name and the year filled
  in, so ``示范教督〔{year}〕{seq}号`` and ``{office}教督〔{year}〕{seq}号`` are the same pattern for 示范县.
* Every number given is entered in the office's register (``IssuedNumber``), unique in the
  database by office, year and number: a number is never given twice, not even by a pattern that
  overlaps another or by a number typed by hand; drawing skips a number already taken.
* ``number_next`` draws the next number for a document (or a rectification notice) inside the
  caller's transaction; the sequence row is locked (``select_for_update`` on PostgreSQL; SQLite
  serialises writes), so two requests never get the same number and a number is never reused.
* ``number_register`` enters a number typed by hand, refused when it is taken.
* A document that answers another (整改回执及核查记录) quotes the number of what it answers and
  draws none.
* ``number_pattern_check`` refuses, before anything is saved, a pattern an office writes that is
  not one (fields other than ``{office}``, ``{year}``, ``{seq}``; ``{seq}`` missing or repeated) or
  whose numbers could be the same text as numbers of another pattern the office uses (for example
  ``{office}教督〔{year}〕1{seq}号`` against ``{office}教督〔{year}〕{seq}号``: its 1st number, …11号,
  is the other's 11th).
"""

import string
from collections import deque

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.documents import kinds
from dudao.documents.models import DocumentTemplate, IssuedNumber, NumberSequence
from dudao.organizations.selectors import office_short_name

SEQ = "{seq}"
FIELDS = {"office", "year", "seq"}


class PatternError(ValueError):
    """A number pattern that cannot write numbers; the message says why."""


def pattern_parts(pattern: str, *, office_name: str, year: int) -> tuple[str, str]:
    """The text before and after the running number once the office's name and the year are
    filled in (``PatternError`` for a pattern that is not one)."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        parsed = None
    if parsed is None or any(field is not None and (field not in FIELDS or spec or conversion)
                             for _literal, field, spec, conversion in parsed):
        raise PatternError(_(
            "Use only {office}, {year} and {seq} in the number pattern, for example {office}教督〔{year}〕{seq}号."))
    if [field for _literal, field, _spec, _conversion in parsed].count("seq") != 1:
        raise PatternError(_("The number pattern needs the running number {seq} once, for example "
                             "{office}教督〔{year}〕{seq}号."))
    parts: tuple[list[str], list[str]] = ([], [])
    side = 0
    for literal, field, _spec, _conversion in parsed:
        parts[side].append(literal)
        if field == "seq":
            side = 1
        elif field is not None:
            parts[side].append(office_name if field == "office" else str(year))
    return "".join(parts[0]), "".join(parts[1])


def _parts_of(office, year: int, pattern: str) -> tuple[str, str]:
    return pattern_parts(pattern, office_name=office_short_name(office), year=year)


def _subject(subject) -> dict:
    if subject is None:
        return {"subject_type": "", "subject_id": None}
    return {"subject_type": f"{subject._meta.app_label}.{subject._meta.model_name}", "subject_id": subject.pk}


def _fits(number: str, before: str, after: str) -> int | None:
    """The running number ``number`` has in the pattern ``before``/``after``, or ``None``."""
    if len(number) <= len(before) + len(after) or not number.startswith(before) or not number.endswith(after):
        return None
    digits = number[len(before):len(number) - len(after)]
    return int(digits) if digits.isascii() and digits.isdigit() and digits[0] != "0" else None


def draw_number(sequences, register, *, office_id: int, year: int, before: str, after: str, kind: str,
                subject_type: str = "", subject_id: int | None = None, replaces: str = "") -> str:
    """Draws and registers the next number of the pattern ``before``{seq}``after``. The model
    classes are passed in so that the data migration uses its own historical ones."""
    pattern = before + SEQ + after
    try:  # the first number of the year creates the row; two at once: one creates it, both then lock it
        with transaction.atomic():
            if not sequences.objects.filter(office_id=office_id, year=year, pattern=pattern).exists():
                taken = (register.objects.filter(office_id=office_id, year=year, number__startswith=before,
                                                 number__endswith=after).values_list("number", flat=True))
                start = max((n for n in (_fits(t, before, after) for t in taken) if n is not None), default=0)
                sequences.objects.create(office_id=office_id, year=year, pattern=pattern, last=start)
    except IntegrityError:
        pass
    sequence = sequences.objects.select_for_update().get(office_id=office_id, year=year, pattern=pattern)
    while True:
        sequence.last += 1
        number = f"{before}{sequence.last}{after}"
        try:
            with transaction.atomic():
                register.objects.create(office_id=office_id, year=year, number=number, kind=kind, sequence=sequence,
                                        subject_type=subject_type, subject_id=subject_id, replaces=replaces)
        except IntegrityError:
            continue  # taken by hand or by an overlapping pattern: never given twice, take the next
        sequence.save(update_fields=["last", "updated_at"])
        return number


def number_next(*, office, year: int, pattern: str, kind: str, subject=None) -> str:
    """The next number of ``pattern`` in the office's ``year``, registered to ``subject``'s
    document of ``kind`` (in the caller's transaction)."""
    before, after = _parts_of(office, year, pattern)
    return draw_number(NumberSequence, IssuedNumber, office_id=office.pk, year=year, before=before, after=after,
                       kind=kind, **_subject(subject))


def number_register(*, office, year: int, number: str, kind: str, subject=None) -> str:
    """Enters a number given by hand; ``ValidationError`` on ``number`` when the office gave it
    already this year."""
    try:
        with transaction.atomic():
            IssuedNumber.objects.create(office=office, year=year, number=number, kind=kind, **_subject(subject))
    except IntegrityError:
        raise ValidationError({"number": [_(
            "The number {number} is already used by another document of the office this year.").format(
            number=number)]}) from None
    return number


def number_of(*, office, kind: str, subject) -> str | None:
    """The number ``subject``'s document of ``kind`` was given (a document filed again keeps it)."""
    return (IssuedNumber.objects.filter(office=office, kind=kind, **_subject(subject))  # scope: the subject was read through the caller's scope
            .order_by("-pk").values_list("number", flat=True).first())


# ---- checking a pattern an office writes ----------------------------------------------------------

FIRST_DIGIT, MORE_DIGITS = object(), object()  # the running number: a digit 1–9, then any digits


def _tokens(before: str, after: str) -> list:
    return [*before, FIRST_DIGIT, MORE_DIGITS, *after]


def _closure(tokens: list, states: set[int]) -> frozenset[int]:
    out, todo = set(states), list(states)
    while todo:
        state = todo.pop()
        if state < len(tokens) and tokens[state] is MORE_DIGITS and state + 1 not in out:
            out.add(state + 1)
            todo.append(state + 1)
    return frozenset(out)


def _step(tokens: list, states: frozenset[int], char: str) -> frozenset[int]:
    moved = set()
    for state in states:
        if state >= len(tokens):
            continue
        token = tokens[state]
        if token is FIRST_DIGIT:
            if char in "123456789":
                moved.add(state + 1)
        elif token is MORE_DIGITS:
            if char in "0123456789":
                moved.add(state)
        elif token == char:
            moved.add(state + 1)
    return _closure(tokens, moved)


def shared_number(first: tuple[str, str], second: tuple[str, str]) -> str | None:
    """The shortest number both patterns can write (each given as its text before and after the
    running number), or ``None`` when no number is common to them."""
    a, b = _tokens(*first), _tokens(*second)
    alphabet = sorted(set(first[0] + first[1] + second[0] + second[1] + "0123456789"))
    start = (_closure(a, {0}), _closure(b, {0}))
    seen = {start: ""}
    queue = deque([start])
    while queue:
        pair = queue.popleft()
        if len(a) in pair[0] and len(b) in pair[1]:
            return seen[pair]
        for char in alphabet:
            nxt = (_step(a, pair[0], char), _step(b, pair[1], char))
            if nxt[0] and nxt[1] and nxt not in seen:
                seen[nxt] = seen[pair] + char
                queue.append(nxt)
    return None


def _kind_label(code: str) -> str:
    try:
        return str(kinds.get(code).label)
    except KeyError:
        return code


def number_pattern_check(*, office, kind: str, pattern: str, on=None) -> None:
    """Refuses (``ValidationError`` on ``number_pattern``, nothing saved) a pattern that is not one
    or whose numbers could be the same as numbers of another kind's pattern in use by the office,
    of a pattern that drew numbers this year, or as a number given this year."""
    year = (on or timezone.localdate()).year
    try:
        own = _parts_of(office, year, pattern)
    except PatternError as exc:
        raise ValidationError({"number_pattern": [str(exc)]}) from None
    others: dict[tuple[str, str], str] = {}
    in_use = dict(DocumentTemplate.objects.filter(office=office, is_active=True).exclude(number_pattern="")
                  .values_list("kind", "number_pattern"))
    for other in kinds.all_kinds():
        if other.numbered and other.code != kind:
            try:
                others.setdefault(_parts_of(office, year, in_use.get(other.code) or other.default_number_pattern),
                                  str(other.label))
            except PatternError:
                continue
    for sequence in NumberSequence.objects.filter(office=office, year=year).exclude(pattern=own[0] + SEQ + own[1]):
        drawn = sequence.numbers.order_by("-pk").values_list("kind", flat=True).first()
        before, _seq, after = sequence.pattern.partition(SEQ)
        others.setdefault((before, after), _kind_label(drawn) if drawn else sequence.pattern)
    clash = next(((label, number) for parts, label in others.items()
                  if parts != own and (number := shared_number(own, parts)) is not None), None)
    if clash is None:
        given = (IssuedNumber.objects.filter(office=office, year=year, number__startswith=own[0],
                                             number__endswith=own[1])
                 .exclude(sequence__pattern=own[0] + SEQ + own[1]).order_by("pk").values_list("kind", "number"))
        clash = next(((_kind_label(code), number) for code, number in given if _fits(number, *own) is not None),
                     None)
    if clash is not None:
        raise ValidationError({"number_pattern": [_(
            "Numbers of this pattern could be the same as those of “{kind}” (such as {number}). Write a pattern "
            "that cannot give the same number, or exactly the same pattern so that both share one running number."
        ).format(kind=clash[0], number=clash[1])]})
