"""Scope-matrix cases of the supervision loop, one module per workflow."""

from dudao.inspections.tests import scope_cases_rectifications, scope_cases_visits  # noqa: F401
