"""Cache des pages (paroles.pagecache) et époque du consentement (consent.epoch).

Chaque test allume le cache lui-même ; la suite du consentement et la matrice tournent une seconde fois avec
le cache allumé partout (`PAROLES_PAGE_CACHE=1`, make test / .ci/run).
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client, override_settings
from django.utils import timezone

from consent import epoch
from consent.flows.withdraw import record_withdrawal
from consent.testing import CONSENT_OFFICER, FACILITATOR, grant, make_participant, publish, user_with_role
from media_library.tests.factories import PartnerFactory, WorkFactory

pytestmark = [pytest.mark.django_db]

ON = override_settings(PAROLES_PAGE_CACHE=True)
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def cache_on():
    with ON:
        yield


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response, response.content.decode()


def test_withdrawal_is_effective_on_the_very_next_request(project):
    work = WorkFactory(project=project, title_fr="Capsule jetoncache1")
    record = grant(work)
    client = Client()
    first, body = _get(client, "/archives/")
    assert first["X-Paroles-Cache"] == "MISS" and "jetoncache1" in body
    second, body = _get(client, "/archives/")
    assert second["X-Paroles-Cache"] == "HIT" and "jetoncache1" in body  # vraiment servie depuis le cache
    detail = client.get(work.get_absolute_url())
    assert detail.status_code == 200
    assert client.get(work.get_absolute_url())["X-Paroles-Cache"] == "HIT"

    officer = user_with_role("responsable", CONSENT_OFFICER)
    record_withdrawal(record.participant, user=officer)

    after, body = _get(client, "/archives/")
    assert after["X-Paroles-Cache"] == "MISS"
    assert "jetoncache1" not in body
    assert client.get(work.get_absolute_url()).status_code == 404


def test_each_kind_of_change_moves_the_epoch(project, django_user_model):

    seen = {epoch.current()}

    def moved():
        token = epoch.current()
        assert token not in seen
        seen.add(token)

    work = WorkFactory(project=project)
    moved()
    spare = WorkFactory(project=project)
    moved()
    participant = make_participant("Awa")
    moved()
    record = grant(work, participant=participant)
    moved()
    record.review_on = TODAY + datetime.timedelta(days=3)
    record.save()
    moved()
    publish(work)
    moved()
    user = django_user_model.objects.create(username="anim")
    moved()
    user_with_role("anim", FACILITATOR)  # appartenance à un groupe (m2m)
    moved()
    partner = PartnerFactory()
    moved()
    partner.users.add(user)  # membre d'une organisation (m2m)
    moved()
    spare.delete()
    moved()


def test_journals_do_not_move_the_epoch(project):
    from consent.models import AuditEntry

    WorkFactory(project=project)
    token = epoch.current()
    AuditEntry.objects.create(action="essai", model="x", object_id="1")
    assert epoch.current() == token


def test_entry_ends_at_the_next_change_by_itself(project):
    work = WorkFactory(project=project)
    grant(work, expires_on=TODAY + datetime.timedelta(days=2))
    instant = epoch.next_change()
    assert timezone.localtime(instant).date() == TODAY + datetime.timedelta(days=2)
    assert timezone.localtime(instant).time() == datetime.time.min
    # Un·e mineur·e devient majeur·e au 1er janvier : plus tôt si l'expiration est plus loin.
    make_participant("Fanta", birth_year=TODAY.year - 12, guardian_name="Tutrice")
    assert epoch.next_change() <= instant
    token = epoch.current()
    life = epoch.timeout_for(token)
    assert 0 < life <= int((min(instant, epoch.next_change()) - timezone.now()).total_seconds()) + 1


def test_exhibition_page_cached_then_unpublished_and_dates_cap_it(tmp_path):
    from exhibitions.tests.factories import exhibition, work_with_file

    work = work_with_file(tmp_path, title="Body map jetoncache3")
    page = exhibition([work], publish=True, end_date=TODAY + datetime.timedelta(days=4))
    client = Client()
    assert client.get(page.url)["X-Paroles-Cache"] == "MISS"
    hit = client.get(page.url)
    assert hit["X-Paroles-Cache"] == "HIT" and "jetoncache3" in hit.content.decode()
    # Fin de l'exposition le jour E : la réponse change d'elle-même à minuit E + 1.
    assert timezone.localtime(epoch.next_change()).date() <= TODAY + datetime.timedelta(days=5)
    page.unpublish()
    assert client.get(page.url).status_code == 404


def test_key_separates_roles_organisations_and_accounts(project):
    work = WorkFactory(project=project, title_fr="Capsule jetoncache2")
    grant(work)
    a, b = PartnerFactory(), PartnerFactory()
    one = user_with_role("anim1", FACILITATOR, partner=a)
    two = user_with_role("anim2", FACILITATOR, partner=b)
    clients = []
    for user in (one, two):
        client = Client()
        client.force_login(user)  # enregistre last_login : nouvelle époque
        clients.append(client)
    anonymous = Client()
    _get(anonymous, "/archives/")
    for client in clients:
        assert client.get("/archives/")["X-Paroles-Cache"] == "MISS"  # jamais la page d'un autre
    for client in clients:
        assert client.get("/archives/")["X-Paroles-Cache"] == "HIT"
    assert anonymous.get("/archives/")["X-Paroles-Cache"] == "HIT"
    assert anonymous.get("/archives/?q=jetoncache2")["X-Paroles-Cache"] == "MISS"  # la requête compte


def test_never_cached_admin_files_and_cookies(project, django_user_model):
    work = WorkFactory(project=project)
    publish(work)
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "motdepasse-long-1")
    client = Client()
    client.force_login(admin)
    for _ in range(2):
        response = client.get("/admin/")
        assert "X-Paroles-Cache" not in response
    # Une page qui crée un jeton CSRF pour ce visiteur (formulaire de connexion) n'est pas gardée.
    anonymous = Client()
    for _ in range(2):
        response = anonymous.get("/animateurs/connexion/")
        assert response.status_code == 200
        assert response.get("X-Paroles-Cache") is None
    assert not _page_keys()


def _page_keys():
    """Les pages gardées dans le cache `pages` : en mémoire (tests) ou sur Redis (test_page_cache_redis)."""
    raw = caches["pages"]._cache
    if isinstance(raw, dict):
        return [key for key in raw if ":paroles:page:" in key]
    return [key.decode() for key in raw.get_client(write=False).keys("*paroles:page:*")]


@override_settings(CACHES={
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
    "pages": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "paroles_page_cache"},
})
def test_epoch_is_shared_through_the_database_cache(project):
    """Le cache par défaut est en base : un autre processus (un autre gestionnaire de cache, ici) lit la même
    époque ; la table vient de `migrate` (post_migrate → createcachetable)."""
    from django.core.cache import CacheHandler
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    token = epoch.current()
    other = CacheHandler()["pages"]
    assert other.get(epoch.KEY) == token
    WorkFactory(project=project)
    assert epoch.current() != token
    assert other.get(epoch.KEY) == epoch.current()


def test_a_page_behind_a_view_restriction_is_never_kept(tmp_path):
    from wagtail.models import PageViewRestriction

    from exhibitions.tests.factories import exhibition, work_with_file

    page = exhibition([work_with_file(tmp_path, title="Body map jetoncache4")], publish=True)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret-1")
    restriction = PageViewRestriction.objects.get(page=page)
    visitor = Client()
    form = visitor.get(page.url)
    assert form.status_code == 200 and "jetoncache4" not in form.content.decode()  # formulaire de Wagtail
    passed = visitor.post(f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
                          {"password": "secret-1", "return_url": page.url})
    assert passed.status_code == 302
    for _ in range(2):
        response = visitor.get(page.url)
        assert response.status_code == 200 and "jetoncache4" in response.content.decode()
        assert response["X-Paroles-Cache"] == "MISS"  # vérifiée à chaque requête, jamais gardée
    assert "jetoncache4" not in Client().get(page.url).content.decode()


def test_toolkit_page_is_kept_per_account_and_csrf_cookie(tmp_path):
    """La page d'une animatrice porte son nom et un jeton CSRF : gardée pour ce compte et ce cookie CSRF
    seulement ; jamais la première fois (jeton neuf, cookie à poser)."""
    from exhibitions.tests.factories import toolkit, work_with_file

    partner = PartnerFactory()
    work = work_with_file(tmp_path, title="Capsule jetoncache5", partner=partner)
    page = toolkit([(work, [partner])])
    one = user_with_role("animatrice.une", FACILITATOR, partner=partner)
    two = user_with_role("animateur.deux", FACILITATOR, partner=partner)
    clients = {}
    for user in (one, two):
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    states = {}
    for name, client in clients.items():
        states[name] = [client.get(page.url) for _ in range(3)]
    for name, (first, second, third) in states.items():
        assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
        assert first["X-Paroles-Cache"] == "MISS" and second["X-Paroles-Cache"] == "MISS"
        assert third["X-Paroles-Cache"] == "HIT"
        body = third.content.decode()
        assert name in body and "jetoncache5" in body
        other = next(n for n in clients if n != name)
        assert other not in body  # jamais la page d'un autre compte


def test_every_ignored_label_names_a_model_of_a_watched_app():
    """`epoch.IGNORED` n'écarte que des modèles qui existent (une faute de frappe laisserait un journal
    changer l'époque à chaque écriture, et un modèle renommé serait suivi sans qu'on le sache)."""
    from django.apps import apps

    for label in sorted(epoch.IGNORED):
        app_label, model_name = label.split(".")
        assert app_label in epoch.WATCHED_APPS, label
        assert apps.get_model(app_label, model_name)._meta.label_lower == label


def test_anonymous_hit_is_the_complete_response_served_before_the_rest_of_the_chain(project):
    """Chemin court (FastPageCacheMiddleware) : l'anonyme sans session reçoit, sans session, authentification,
    résolution d'URL ni requête SQL (le cache des tests est en mémoire), la réponse complète du premier rendu,
    en-têtes de sécurité compris."""
    work = WorkFactory(project=project, title_fr="Capsule jetoncache6")
    grant(work)
    client = Client()
    first = client.get("/archives/")
    assert first.status_code == 200 and first["X-Paroles-Cache"] == "MISS"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        hit = client.get("/archives/")
    assert hit.status_code == 200 and hit["X-Paroles-Cache"] == "HIT"
    assert len(queries.captured_queries) == 0, queries.captured_queries
    assert not hasattr(hit.wsgi_request, "user") and not hasattr(hit.wsgi_request, "session")  # rien d'autre n'a tourné
    assert hit.content == first.content and "jetoncache6" in hit.content.decode()
    for header in ("Content-Security-Policy", "X-Frame-Options", "Cache-Control", "X-Content-Type-Options",
                   "Referrer-Policy", "Content-Type", "Content-Length"):
        assert hit.get(header) == first.get(header) and first.get(header), header
    assert hit["Cache-Control"].startswith("private")
    # HEAD lit l'entrée de GET ; un POST ne la lit jamais.
    assert client.head("/archives/")["X-Paroles-Cache"] == "HIT"
    assert "X-Paroles-Cache" not in client.post("/archives/")


def _without_csrf(body):
    import re

    return re.sub(rb'(name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", body)


def test_a_role_or_organisation_change_is_effective_on_the_very_next_request(tmp_path):
    """La clé d'un·e connecté·e est son compte : c'est l'époque qui porte ses rôles et ses organisations.
    Après chaque changement (organisation retirée, rendue, rôle retiré), la requête suivante n'est pas servie
    depuis le cache et répond exactement ce qu'un rendu sans cache répond."""
    from django.contrib.auth.models import Group

    from exhibitions.tests.factories import toolkit, work_with_file

    partner, other = PartnerFactory(), PartnerFactory()
    work = work_with_file(tmp_path, title="Capsule jetoncache7", partner=partner)
    page = toolkit([(work, [partner])])
    user = user_with_role("animatrice.trois", FACILITATOR, partner=partner)
    client = Client()
    client.force_login(user)

    def settled():
        responses = [client.get(page.url) for _ in range(3)]
        assert responses[-1]["X-Paroles-Cache"] == "HIT", [r.get("X-Paroles-Cache") for r in responses]
        return responses[-1]

    def next_request_is_fresh():
        after = client.get(page.url)
        assert after.get("X-Paroles-Cache") != "HIT"
        with override_settings(PAROLES_PAGE_CACHE=False):
            fresh = client.get(page.url)
        assert (after.status_code, _without_csrf(after.content)) == (fresh.status_code, _without_csrf(fresh.content))
        return after

    before = settled()
    assert "jetoncache7" in before.content.decode()
    partner.users.remove(user)
    other.users.add(user)
    moved = next_request_is_fresh()
    assert moved.content != before.content
    partner.users.add(user)
    assert "jetoncache7" in settled().content.decode()
    user.groups.remove(Group.objects.get(name=FACILITATOR))
    next_request_is_fresh()
