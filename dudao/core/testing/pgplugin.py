"""pytest plugin: with ``DUDAO_TEST_DB=postgres`` the run starts its own throwaway PostgreSQL.

Placeholder until the harness lands; does nothing otherwise.
"""
