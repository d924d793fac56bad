import pytest

from communication.tests.conftest import places, setup  # noqa: F401 (fixtures partagées)
from communication.tests.conftest import coordinator  # noqa: F401,E402
