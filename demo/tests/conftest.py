"""Fixtures des applications que la démonstration remplit (les tests de la démonstration vivent ici)."""

from communication.tests.conftest import places  # noqa: F401  (les lieux du Mali, amorcés comme par la migration)
