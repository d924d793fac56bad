"""Fixtures partagées par toutes les suites de tests (chaque application a son dossier tests/)."""

import pytest

from media_library import testing


@pytest.fixture(autouse=True)
def private_storage(request, tmp_path_factory):
    """Chaque test a son propre stockage privé vide (aucune fuite de fichiers d'un test à l'autre)."""
    from django.conf import settings as django_settings
    from django.test import override_settings

    if "s3" in request.keywords:
        yield None
        return
    root = tmp_path_factory.mktemp("private")
    storages = dict(django_settings.STORAGES)
    storages["default"] = {
        "BACKEND": "paroles.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(root)},
    }
    with override_settings(STORAGES=storages, MEDIA_ROOT=str(root), PRIVATE_MEDIA_ROOT=root):
        yield root


@pytest.fixture
def media_dir(tmp_path):
    d = tmp_path / "media-src"
    d.mkdir()
    return d


@pytest.fixture
def small_video(media_dir):
    return testing.make_video(media_dir / "capsule.mp4", seconds=2)


@pytest.fixture
def small_audio(media_dir):
    return testing.make_audio(media_dir / "podcast.mp3", seconds=2)


@pytest.fixture
def small_image(media_dir):
    return testing.make_image(media_dir / "bodymap.jpg")


@pytest.fixture
def small_pdf(media_dir):
    return testing.make_pdf(media_dir / "depliant.pdf")


@pytest.fixture
def project(db):
    from media_library.tests.factories import ProjectFactory

    return ProjectFactory(name="Protection des migrants")


@pytest.fixture
def work(db, project):
    from media_library.tests.factories import WorkFactory

    return WorkFactory(project=project, title_fr="Capsule d'essai")


def make_public(work):
    """Rend une œuvre publique par la voie réelle : une déclaration « aucune personne identifiable »."""
    from consent.models import NoIdentifiablePersonDeclaration

    NoIdentifiablePersonDeclaration.objects.create(work=work, note="tests")
    return work


def make_private(work):
    """Révoque les déclarations : l'œuvre redevient interne."""
    import datetime as dt

    from consent.models import NoIdentifiablePersonDeclaration

    NoIdentifiablePersonDeclaration.objects.filter(work=work).update(revoked_on=dt.date.today())
    return work


@pytest.fixture
def publish():
    return make_public


@pytest.fixture
def unpublish():
    return make_private


@pytest.fixture
def cleared_work(db, project):
    from media_library.tests.factories import WorkFactory

    return make_public(WorkFactory(project=project, title_fr="Capsule publique"))


@pytest.fixture
def admin_user(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("admin", "admin@example.org", "mot-de-passe-admin")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def pytest_collection_modifyitems(session, config, items):
    """Les tests transactionnels (navigateur, serveur réel) vident la base, y compris les données posées
    par les migrations (collection racine de Wagtail, langues, rôles, lieux). Comme Django le fait pour
    TransactionTestCase, on les lance en dernier."""

    def transactional(item):
        names = getattr(item, "fixturenames", ())
        return (
            item.get_closest_marker("browser") is not None
            or "live_server" in names
            or "transactional_db" in names
            or (item.get_closest_marker("django_db") is not None and item.get_closest_marker("django_db").kwargs.get("transaction"))
        )

    items.sort(key=lambda item: bool(transactional(item)))
