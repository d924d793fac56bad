import pytest

from .helpers import build_matrix


@pytest.fixture
def matrix(db, project, media_dir):
    return build_matrix(project, media_dir)
