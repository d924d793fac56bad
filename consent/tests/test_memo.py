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
