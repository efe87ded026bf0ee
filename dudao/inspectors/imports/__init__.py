"""Importing from the downloadable Excel templates: inspectors with their listings (``inspectors``),
training records with the ledger export in the same columns (``training``)."""

from dudao.inspectors.imports.inspectors import InspectorImporter, InspectorImportView, run_inspector_import_job
from dudao.inspectors.imports.training import (
    COLUMNS,
    TrainingImporter,
    TrainingImportView,
    ledger_workbook,
    run_training_import_job,
)

__all__ = ["COLUMNS", "InspectorImportView", "InspectorImporter", "TrainingImportView", "TrainingImporter",
           "ledger_workbook", "run_inspector_import_job", "run_training_import_job"]
