import pytest

from communication.tests.conftest import places, setup  # noqa: F401 (fixtures partagées)
