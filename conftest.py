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


@pytest.fixture(autouse=True)
def empty_caches():
    """Chaque test part de caches vides : Wagtail garde les rendus d'images en cache, et une base remise à
    zéro réutilise les mêmes clés primaires ; un rendu resté en cache d'un test précédent masquerait
    l'absence de rendu en base."""
    from django.core.cache import caches

    from consent import epoch

    for cache in caches.all():
        cache.clear()
    epoch.memo_clear()
    yield


@pytest.fixture
def playwright(monkeypatch):
    """Playwright (API synchrone), ou le test est ignoré si Chromium manque (échec si
    PAROLES_REQUIRE_BROWSER=1, comme en CI)."""
    import os
    from pathlib import Path

    from paroles.browser_testing import ARTIFACTS, CHROMIUM

    # Playwright garde une boucle asyncio ouverte dans ce fil : l'ORM des tests doit l'accepter.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        if os.environ.get("PAROLES_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium est requis (PAROLES_REQUIRE_BROWSER=1) mais {CHROMIUM} est absent.")
        pytest.skip(f"Chromium absent ({CHROMIUM}) : test navigateur ignoré.")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        yield p


@pytest.fixture
def chromium(playwright):
    from paroles.browser_testing import CHROMIUM, CHROMIUM_ARGS

    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


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

    # Comme l'admin : un enregistrement par déclaration (le signal change l'époque du consentement).
    for declaration in NoIdentifiablePersonDeclaration.objects.filter(work=work):
        declaration.revoked_on = dt.date.today()
        declaration.save(update_fields=["revoked_on"])
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


def _transactional(item):
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        item.get_closest_marker("browser") is not None
        or "live_server" in names
        or "transactional_db" in names
        or (marker is not None and bool(marker.kwargs.get("transaction")))
    )


def pytest_collection_modifyitems(session, config, items):
    """Les tests transactionnels (navigateur, serveur réel) vident la base à la fin (`flush`), y compris les
    données posées par les migrations (collection racine et site de Wagtail, langues, rôles, lieux). Comme
    Django le fait pour TransactionTestCase, on les lance en dernier ; chacun repart des données de départ
    (fixture `seed_data`, quel que soit l'ordre dans lequel ils passent)."""
    for item in items:
        if _transactional(item):
            marker = item.get_closest_marker("django_db")
            kwargs = dict(marker.kwargs) if marker is not None else {}
            kwargs.update(transaction=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)  # devant : le plus proche
    items.sort(key=_transactional)


@pytest.fixture(autouse=True)
def seed_data(request):
    """Un test transactionnel commence par les données de départ du site (`paroles.seed.seed_site()`, la
    fonction idempotente que les migrations de données appellent aussi) : le test précédent a pu vider la
    base. Les autres tests tournent dans une transaction sur la base migrée, qui les a déjà."""
    if not _transactional(request.node):
        yield
        return
    request.getfixturevalue("transactional_db")
    from paroles.seed import seed_site

    seed_site()
    yield
