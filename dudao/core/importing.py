"""What an import of a table found: its problems by row and column, and the outcome.

Shared by the Excel imports (``dudao.jobs.imports``) and the balance analysis engine
(``dudao.monitoring.analysis``), which imports no Django: neither does this module.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded table: the sheet row (the header is row 1; 0 is the file itself), the
    column header as the user sees it, the ``message`` for a person, and a stable ``code`` for machines."""

    row: int
    column: str
    message: Any
    code: str = "invalid"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass
class ImportReport:
    """Blocking ``errors``, ``warnings`` to confirm, the valid ``rows``, and what was ``written`` (and
    ``replaced``)."""

    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    rows: list = field(default_factory=list)
    written: int = 0
    replaced: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def needs_confirmation(self) -> bool:
        return not self.errors and bool(self.warnings)
