import pytest


@pytest.fixture
def site_home(db):
    from .factories import home

    return home()
