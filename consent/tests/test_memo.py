"""Le mémo du processus (`consent.epoch.memo`) ne sert jamais un consentement périmé.

Les pages publiques gardent en mémoire, sous l'époque du consentement, ce qui ne dépend pas de qui demande
(faits du consentement, œuvres, pistes, images, menu). Ici, le mémo est chaud (la page rendue deux fois, le
second rendu lit moins la base), puis le consentement change : la requête SUIVANTE le voit déjà, que le
changement vienne de ce processus (retrait enregistré par le flux de l'administration), d'un autre processus
(seule l'époque partagée a changé) ou du temps (un consentement qui expire, sans rien enregistrer).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consent import epoch
from consent.flows.withdraw import record_withdrawal
from consent.models import Participation, Withdrawal
from consent.testing import CONSENT_OFFICER, grant, make_participant, user_with_role
from exhibitions.tests import factories as f
from media_library.models import WorkKind
from media_library.tests.factories import WorkFactory

pytestmark = pytest.mark.django_db


def _exhibition(**consent):
    work = WorkFactory(kind=WorkKind.CAPSULE, title_fr="Parole d'Awa", words_verbatim="je veu parlé")
    person = make_participant("Awa")
    Participation.objects.create(participant=person, work=work, role="author")
    grant(work, channels=["website"], participant=person, **consent)
    page = f.exhibition([work], kind="online", title="En ligne", slug="en-ligne-memo", publish=True)
    return work, person, page


def _shown(client, page, work):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page.url)
    assert response.status_code == 200
    assert response.get("X-Paroles-Cache") is None  # un vrai rendu (le cache des pages n'y est pour rien)
    return f'id="oeuvre-{work.pk}"' in response.content.decode(), len(ctx.captured_queries)


def _warm(client, page, work):
    shown, cold = _shown(client, page, work)
    assert shown
    shown, warm = _shown(client, page, work)
    assert shown
    assert epoch._store["entries"], "le mémo n'a rien gardé"
    assert warm < cold, (warm, cold)  # le mémo sert vraiment
    return warm


@pytest.fixture(autouse=True)
def memo_on(settings):
    settings.PAROLES_MEMO = True
    settings.PAROLES_PAGE_CACHE = False  # on mesure le mémo seul : chaque requête est un rendu


def test_withdrawal_is_effective_on_the_very_next_request(client):
    work, person, page = _exhibition()
    _warm(client, page, work)
    officer = user_with_role("responsable", CONSENT_OFFICER)
    record_withdrawal(person, user=officer)
    assert not _shown(client, page, work)[0]


def test_partial_withdrawal_of_this_work_only(client):
    work, person, page = _exhibition()
    _warm(client, page, work)
    officer = user_with_role("responsable", CONSENT_OFFICER)
    record_withdrawal(person, user=officer, channels=["website"], works=[work])
    assert not _shown(client, page, work)[0]


def test_change_made_by_another_process_is_seen(client):
    """Un autre processus (un autre serveur) enregistre le retrait : ici, aucun signal ; seule l'époque
    partagée (cache `pages`) change, comme l'écrit son `bump()`. Le mémo de CE processus n'est plus servi."""
    work, person, page = _exhibition()
    _warm(client, page, work)
    Withdrawal.objects.bulk_create([Withdrawal(participant=person, effective_on=timezone.localdate())])  # sans signal
    assert _shown(client, page, work)[0]  # même époque : ce processus ne peut pas savoir (l'autre n'a pas fini)
    epoch.cache().set(epoch.KEY, "epoque-ecrite-par-un-autre-processus", None)
    assert not _shown(client, page, work)[0]


def test_consent_that_expires_by_itself_ends_the_entry(client, monkeypatch):
    """Rien n'est enregistré : le consentement expire demain. Le mémo chaud d'aujourd'hui ne sert plus demain."""
    today = timezone.localdate()
    work, _person, page = _exhibition(expires_on=today + datetime.timedelta(days=1))
    _warm(client, page, work)
    assert epoch.next_change() is not None  # l'expiration est bien un changement « de lui-même »…
    later = timezone.now() + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert not _shown(client, page, work)[0]  # … et le mémo ne la masque pas


def test_next_change_always_falls_at_midnight():
    """Le mémo se vide au changement de jour : c'est exact parce que les règles raisonnent au jour près et que
    le prochain changement de lui-même (`next_change`) tombe toujours à minuit."""
    work = WorkFactory()
    grant(work, expires_on=timezone.localdate() + datetime.timedelta(days=3))
    instant = timezone.localtime(epoch.next_change())
    assert (instant.hour, instant.minute, instant.second, instant.microsecond) == (0, 0, 0, 0)


def test_memo_is_not_used_outside_a_request_nor_when_disabled(settings):
    calls = []
    assert epoch.memo(("essai",), lambda: calls.append(1) or len(calls)) == 1
    assert epoch.memo(("essai",), lambda: calls.append(1) or len(calls)) == 2  # hors requête : relu
    settings.PAROLES_MEMO = False
    epoch._request_started(None, environ={"REQUEST_METHOD": "GET"})
    try:
        assert epoch.memo(("essai",), lambda: calls.append(1) or len(calls)) == 3
        assert epoch.memo(("essai",), lambda: calls.append(1) or len(calls)) == 4  # coupé : relu
    finally:
        epoch._request_finished(None)


def test_epoch_is_kept_up_to_date_when_only_the_memo_is_on(settings):
    """Cache des pages coupé, mémo allumé : l'époque change quand même à chaque changement (sinon le mémo
    servirait des faits périmés)."""
    settings.PAROLES_PAGE_CACHE = False
    before = epoch.current()
    work = WorkFactory()
    grant(work)
    assert epoch.current() != before
    settings.PAROLES_MEMO = False  # ni l'un ni l'autre : rien ne s'en sert, rien à tenir à jour
    assert not epoch.tracking()


# -- Le HTML des salles d'une exposition et des supports de la boîte à outils -----------------------------


def _keys(kind):
    return [key for key in epoch._store["entries"] if isinstance(key, tuple) and key and key[0] == kind]


def test_rooms_are_kept_per_decision_a_member_never_lends_her_view_to_a_visitor(client):
    """Une œuvre d'une communauté protégée : un membre la voit, un visiteur non. Le HTML de la salle est gardé
    pour chacun sous SA réponse ; rendu d'abord pour le membre, il n'est jamais servi au visiteur."""
    from media_library.tests.factories import PartnerFactory, UserFactory

    protected = PartnerFactory(name="Collectif protégé", is_protected_community=True)
    work, _person, page = _exhibition()
    work.partner = protected
    work.save()
    member = UserFactory(username="membre")
    protected.users.add(member)
    client.force_login(member)  # (une connexion écrit le compte, donc change l'époque : avant le reste)
    from django.test import Client

    visitor = Client()
    assert _shown(client, page, work)[0] and _shown(client, page, work)[0]
    assert len(_keys("salle")) == 1
    assert not _shown(visitor, page, work)[0]  # même salle, autre réponse : autre clé, rendu à neuf
    assert len(_keys("salle")) == 2
    assert _shown(client, page, work)[0] and not _shown(visitor, page, work)[0]


def test_a_kept_room_ends_with_the_withdrawal_and_with_the_day(client, monkeypatch):
    work, person, page = _exhibition(expires_on=timezone.localdate() + datetime.timedelta(days=1))
    _warm(client, page, work)
    assert _keys("salle")
    later = timezone.now() + datetime.timedelta(days=2)
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: later)
        assert not _shown(client, page, work)[0]  # expiré de lui-même : la salle gardée ne sert plus
    assert _shown(client, page, work)[0]
    record_withdrawal(person, user=user_with_role("responsable", CONSENT_OFFICER))
    assert not _shown(client, page, work)[0]


def test_rooms_are_not_kept_in_a_preview(client):
    from exhibitions.flows.render_exhibition import Exhibit
    from django.test import RequestFactory
    from django.contrib.auth.models import AnonymousUser

    work, _person, page = _exhibition()
    request = RequestFactory().get(page.url)
    request.user = AnonymousUser()
    exhibit = Exhibit.for_page(page, request)
    section = page.body[0]
    assert exhibit.room_key(page, section) is not None
    exhibit.preview = True
    assert exhibit.room_key(page, section) is None


def test_toolkit_entries_are_kept_per_what_each_person_may_download(client, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    """Même support, deux personnes : l'animatrice de l'organisation a les boutons de téléchargement, une autre
    animatrice lit la raison. Le HTML gardé pour l'une n'est jamais servi à l'autre ; un retrait se voit
    à la requête suivante."""
    from exhibitions.tests import factories as f
    from media_library.tests.factories import PartnerFactory, UserFactory

    aracem, ame = PartnerFactory(name="ARACEM"), PartnerFactory(name="AME")
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    aracem.users.add(alice)
    ame.users.add(bob)
    with django_capture_on_commit_callbacks(execute=True):
        capsule = f.work_with_file(tmp_path, kind=WorkKind.CAPSULE, title="Capsule règles",
                                   channels=["facilitator_download", "website"])
    page = f.toolkit([(capsule, [aracem])])
    material = page.materials.get()
    download = f'href="{page.url}support/{material.pk}/'

    from django.test import Client

    clients = {}
    for user in (alice, bob):  # connectées d'abord (une connexion écrit le compte, donc change l'époque)
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)

    def html(user):
        response = clients[user.pk].get(page.url)
        assert response.status_code == 200
        return response.content.decode()

    assert download in html(alice) and download in html(alice)
    assert len(_keys("support")) == 1
    other = html(bob)
    assert download not in other and "pas destiné à votre organisation" in other
    assert len(_keys("support")) == 2  # deux réponses, deux entrées, dans le même mémo
    assert download in html(alice) and download not in html(bob)
    person = capsule.participations.first().participant
    record_withdrawal(person, user=user_with_role("responsable", CONSENT_OFFICER))
    assert download not in html(alice)
