"""La boîte à outils hors ligne dans un vrai navigateur (Chromium de Debian, Playwright), écran de téléphone 360×740.

1. Trois capsules prises pour hors ligne (version téléphone + sous-titres fr et bm) ; coupure du réseau ;
   la page revient du service worker avec ce qui est gardé ; une capsule lue en plein écran avec les
   sous-titres bambara ; la séance notée ; un retrait enregistré au serveur pour une des trois ; retour du
   réseau : la copie est effacée, le message neutre s'affiche, la fiche arrive une fois, la page d'impact
   du retrait liste la copie rappelée.
2. Reprise : un téléchargement coupé au milieu reprend à la tranche suivante (requête Range), pas à zéro.
Captures dans test-artifacts/.
"""

import json
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from communication.models import Screening
from consent.flows.withdraw import record_withdrawal
from consent.testing import FACILITATOR, user_with_role
from exhibitions.models import HeldCopy
from exhibitions.views import offline as offline_views
from media_library.models import Rendition, WorkKind
from media_library.tests.factories import PartnerFactory
from paroles.browser_testing import ARTIFACTS, session_cookie

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
APP = "/boite-a-outils/hors-ligne/"
CHANNEL = "facilitator_download"
NOTICE = "Un support a été retiré à la demande d'une personne concernée."
BM_LINE = "Musow ka kuma"


def add_tracks(work):
    from transcription.models import Cue, SubtitleTrack

    for lang, text in (("fr", "La parole des femmes"), ("bm", BM_LINE)):
        track = SubtitleTrack.objects.create(work=work, language=lang, status=SubtitleTrack.Status.IN_REVIEW)
        Cue.objects.create(track=track, position=0, start_ms=0, end_ms=1900, text=text)
        track.approve(allow_issues=True)


def wait_until(page, script, timeout=30.0):
    """Attend que la page montre l'état voulu, sans délai fixe. Forme fonction : la CSP du site interdit eval,
    et Playwright évalue une expression en chaîne ; une fonction passe par le protocole du navigateur."""
    return page.wait_for_function("() => " + script, timeout=timeout * 1000).json_value()


def sync_noting(*item_ids):
    """La synchronisation de l'appli qui annonce au serveur ces copies gardées (POST, hors service worker)."""
    path = reverse("exhibitions:offline_sync")

    def predicate(response):
        if response.request.method != "POST" or not response.url.endswith(path):
            return False
        held = {h["id"] for h in json.loads(response.request.post_data or "{}").get("held", [])}
        return set(item_ids) <= held

    return predicate


def held_states(page):
    return page.eval_on_selector_all("#held-list > li", "els => els.map(e => [e.dataset.id, e.dataset.state])")


@pytest.fixture
def field(tmp_path):
    from communication.models import Place
    from communication.places_seed import seed

    seed(Place)
    aracem = PartnerFactory(name="ARACEM", acronym="ARACEM")
    awa = user_with_role("awa", FACILITATOR, partner=aracem, password="mot-de-passe-de-test")
    works = []
    for n, title in enumerate(("Capsule règles", "Capsule police", "Capsule école"), start=1):
        work = f.work_with_file(tmp_path, kind=WorkKind.CAPSULE, title=title, channels=["facilitator_download"],
                                pseudonym=f"Personne {n}")
        add_tracks(work)
        works.append(work)
    toolkit = f.toolkit([(w, [aracem]) for w in works])
    school = toolkit.materials.get(work=works[2])
    school.clips = [("clip", {"work": works[2], "title_fr": "La cour", "title_bm": "", "start": 0.5, "end": 1.2,
                              "note_fr": "", "note_bm": ""})]
    school.save()
    for work in works:
        assert Rendition.objects.filter(media_file__work=work, kind="phone", chapter__isnull=True).exists()
    items = {m.work_id: f"m{m.pk}" for m in toolkit.materials.all()}
    return {"awa": awa, "works": works, "items": items, "toolkit": toolkit}


def open_app(chromium, live_server, user, **options):
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR", **options)
    context.set_default_timeout(30000)
    context.add_cookies([session_cookie(live_server, user)])
    page = context.new_page()
    outside = []
    own = (live_server.url, "blob:" + live_server.url)  # les copies gardées se lisent par des URL blob: du site
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(own) else None)
    page.goto(live_server.url + APP)
    page.wait_for_selector("#offline-app[data-synced='1']")
    return context, page, outside


def test_offline_toolkit_recall_end_to_end(chromium, live_server, field, admin_user, monkeypatch):
    ARTIFACTS.mkdir(exist_ok=True)
    capsule, withdrawn, third = field["works"]
    items = field["items"]
    context, page, outside = open_app(chromium, live_server, field["awa"])
    page.evaluate("async () => { await navigator.serviceWorker.ready; return true; }")
    page.reload()  # désormais servie par le service worker
    page.wait_for_selector("#offline-app[data-synced='1']")
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    # Choisir trois capsules : une barre par téléchargement, puis gardées.
    assert page.locator("#catalogue-list > li").count() == 3
    # Chaque copie complète est aussitôt notée au serveur (synchronisation après le téléchargement) : la
    # première synchronisation qui annonce les trois copies, et sa réponse.
    with page.expect_response(sync_noting(*items.values()), timeout=60000) as noted:
        for work in field["works"]:
            page.click(f"#catalogue-list > li[data-id='{items[work.pk]}'] button.take")
        wait_until(page, "document.querySelectorAll('#held-list > li[data-state=held]').length === 3", timeout=60)
    assert sorted(i for i, _s in held_states(page)) == sorted(items.values())
    assert page.locator("#catalogue-list > li").count() == 0
    wait_until(page, "document.getElementById('storage-text').textContent.includes('encore libre')")
    page.screenshot(path=str(ARTIFACTS / "hors-ligne-1-trois-capsules.png"), full_page=True)
    cached = page.evaluate("async () => (await (await caches.open('paroles-horsligne-fichiers')).keys()).length")
    assert cached == 9  # 3 × (version téléphone + piste fr + piste bm)
    assert noted.value.status == 200
    assert HeldCopy.objects.filter(user=field["awa"], confirmed_at__isnull=False).count() == 3

    # Une synchronisation dans une autre minute : le serveur émet d'autres adresses signées (jeton horodaté à la
    # minute). Les copies gardées restent lisibles (avant : l'appli cherchait la copie sous la nouvelle adresse, ne
    # la trouvait pas et l'effaçait au moment de la montrer — vu une fois en CI, quand la minute tournait).
    import time as _time

    from django.core import signing

    from media_library import links

    monkeypatch.setattr(links._MinuteSigner, "timestamp",
                        lambda self: signing.b62_encode(int(_time.time()) // 60 * 60 + 120))
    with page.expect_response(sync_noting(*items.values()), timeout=60000):
        page.click("#sync-now")
    wait_until(page, "document.getElementById('offline-app').dataset.sync === 'idle'")

    # Plus de réseau : la page revient du service worker, avec ce qui est gardé.
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#offline-app[data-synced='1']")
    assert "Hors ligne" in page.inner_text("#net-status")
    assert [s for _i, s in held_states(page)] == ["held"] * 3

    # Montrer une capsule, plein écran, sous-titres bambara (piste gardée sur le téléphone).
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.click(f"#held-list > li[data-id='{items[capsule.pk]}'] button.play")
    try:
        page.wait_for_selector("#player-section:not([hidden])")
    except Exception as exc:  # une fois en CI sous charge 10 (2026-12-03) : dire ce que la page montrait
        state = page.evaluate("""async () => ({held: Array.from(document.querySelectorAll('#held-list > li'))
            .map(li => [li.dataset.id, li.dataset.state]), status: document.getElementById('net-status').textContent,
            error: document.getElementById('player-error').textContent,
            cached: (await (await caches.open('paroles-horsligne-fichiers')).keys()).map(r => r.url)})""")
        raise AssertionError(f"le lecteur ne s'ouvre pas : {state} ; erreurs de la page : {errors}") from exc
    page.select_option("#subtitle-lang", "bm")
    wait_until(page, """(() => { const v = document.getElementById('player');
        const t = Array.from(v.textTracks).find(t => t.language === 'bm');
        return v.readyState >= 2 && v.currentTime > 0.2 && t && t.mode === 'showing' && t.cues && t.cues.length > 0; })()""")
    cue = page.evaluate("Array.from(document.getElementById('player').textTracks).find(t => t.language === 'bm').cues[0].text")
    assert cue == BM_LINE
    assert page.evaluate("document.getElementById('player').src.startsWith('blob:')")
    page.click("#fullscreen")
    wait_until(page, "document.fullscreenElement && document.fullscreenElement.id === 'player'")
    page.screenshot(path=str(ARTIFACTS / "hors-ligne-2-plein-ecran-bambara.png"))
    page.evaluate("document.exitFullscreen()")
    wait_until(page, "document.fullscreenElement === null")
    assert "Message 1" in page.inner_text("#guide")

    # Noter la séance, liée à ce qui a été montré.
    page.click("#open-log")
    page.wait_for_selector("#log-form:not([hidden])")
    assert page.locator(f"#log-materials input[data-item='{items[capsule.pk]}']").is_checked()
    assert not page.locator(f"#log-materials input[data-item='{items[third.pk]}']").is_checked()
    page.select_option("#l-place", label="Site de PDI de Faladié — Faladié")
    page.select_option("#l-venue_type", value="idp_site")
    page.select_option("#l-channel", value="community_talk")
    page.fill("#l-women", "7")
    page.fill("#l-girls", "2")
    page.fill("#l-idps", "9")
    page.fill("#l-discussion_minutes", "35")
    page.click("#save-log")
    page.wait_for_selector("#log-list > li[data-state=queued]")
    page.screenshot(path=str(ARTIFACTS / "hors-ligne-3-seance-notee.png"), full_page=True)
    assert Screening.objects.count() == 0

    # Un extrait conseillé : lu depuis la même copie, de son début à sa fin.
    page.click(f"#held-list > li[data-id='{items[third.pk]}'] button.play-clip")
    wait_until(page, "document.getElementById('player-title').textContent === 'Capsule école — La cour'")
    wait_until(page, """(() => { const v = document.getElementById('player');
        return v.readyState >= 2 && v.paused && !v.ended && v.currentTime >= 1.2 && v.currentTime < 1.9; })()""")

    # Pendant ce temps, au bureau : retrait pour la deuxième capsule.
    withdrawal, _impact = record_withdrawal(withdrawn.participations.first().participant, user=admin_user)

    # Retour du réseau : synchronisation, effacement, message neutre, fiche envoyée une fois.
    context.set_offline(False)
    page.wait_for_selector("#notice:not([hidden])")
    assert page.inner_text("#notice") == NOTICE
    wait_until(page, "document.querySelectorAll('#log-list > li[data-state=accepted]').length === 1")
    assert sorted(i for i, _s in held_states(page)) == sorted([items[capsule.pk], items[third.pk]])
    urls = page.evaluate("async () => (await (await caches.open('paroles-horsligne-fichiers')).keys()).map(r => r.url)")
    assert len(urls) == 6
    gone = [Rendition.objects.get(media_file__work=withdrawn, kind="phone", chapter__isnull=True).get_serve_url(CHANNEL)]
    gone += [t.get_serve_url(CHANNEL, "vtt") for t in withdrawn.subtitle_tracks.all()]
    # Comparées par chemin : le jeton du canal porte la minute où l'adresse a été émise (links._MinuteSigner).
    gone = {g.split("?")[0] for g in gone}
    assert len(gone) == 3 and not gone & {urlsplit(u).path for u in urls}
    page.screenshot(path=str(ARTIFACTS / "hors-ligne-4-retire.png"), full_page=True)
    page.click("#sync-now")  # une nouvelle synchronisation ne double rien
    wait_until(page, "document.getElementById('net-status').textContent.startsWith('Synchronisé')")
    context.close()

    screening = Screening.objects.get()
    assert screening.people_total == 9 and screening.facilitator == field["awa"]
    assert [m.work_id for m in screening.materials.all()] == [capsule.pk]
    copy = HeldCopy.objects.get(item_id=items[withdrawn.pk])
    assert copy.recalled_at and copy.deleted_at
    assert HeldCopy.objects.filter(recalled_at__isnull=True).count() == 2
    assert outside == []

    officer = Client()
    officer.force_login(admin_user)
    html = officer.get(reverse("consent_withdrawal_impact", args=[withdrawal.pk])).content.decode()
    assert 'class="held-recalled"' in html and copy.device.short_id in html and "Capsule police" in html


def test_resume_after_a_cut_time_limit_and_logout_wipe(chromium, live_server, field, monkeypatch):
    monkeypatch.setattr(offline_views, "CHUNK_BYTES", 16 * 1024)
    capsule = field["works"][0]
    phone = Rendition.objects.get(media_file__work=capsule, kind="phone", chapter__isnull=True)
    assert phone.size > 3 * 16 * 1024
    # Service worker bloqué : Playwright ne voit pas les requêtes qu'un service worker relaie.
    context, page, _outside = open_app(chromium, live_server, field["awa"], service_workers="block")
    ranges, cut = [], []

    def handle(route):
        if str(phone.uuid) in route.request.url:
            ranges.append(route.request.headers.get("range"))
            if len(ranges) == 2 and not cut:
                cut.append(True)
                return route.abort("internetdisconnected")  # coupure au milieu du fichier
        return route.continue_()

    page.route("**/fichiers/**", handle)
    item = field["items"][capsule.pk]
    # La synchronisation qui suit le téléchargement complet : attendue dès le clic (elle note la copie).
    with page.expect_response(sync_noting(item), timeout=60000) as synced:
        page.click(f"#catalogue-list > li[data-id='{item}'] button.take")
        # La coupure se voit : téléchargement interrompu, la barre garde ce qui est déjà reçu.
        progress = wait_until(page, """(() => { const li = document.querySelector('#held-list > li[data-state=interrupted]');
            return li && li.querySelector('progress').value; })()""")
        assert 0 < progress < 1
        wait_until(page, "document.querySelectorAll('#held-list > li[data-state=held]').length === 1")
    chunk = 16 * 1024
    assert ranges[0] == f"bytes=0-{chunk - 1}"
    assert ranges[1] == f"bytes={chunk}-{2 * chunk - 1}"  # coupée
    assert ranges[2] == f"bytes={chunk}-{2 * chunk - 1}"  # reprise : la même tranche, pas le début
    assert ranges.count(f"bytes=0-{chunk - 1}") == 1
    # La copie gardée, retrouvée par son chemin (le jeton de l'adresse porte la minute de son émission).
    path = phone.get_serve_url("facilitator_download").split("?")[0]
    stored = page.evaluate(f"""async () => {{ const c = await caches.open('paroles-horsligne-fichiers');
        const key = (await c.keys()).find(k => new URL(k.url).pathname === '{path}');
        return key ? (await (await c.match(key)).blob()).size : -1; }}""")
    assert stored == phone.size

    # La synchronisation qui suit le téléchargement est finie (sinon elle reconfirmerait la copie).
    assert synced.value.status == 200
    assert HeldCopy.objects.filter(item_id=item, confirmed_at__isnull=False).exists()
    page.wait_for_selector("#offline-app[data-sync='idle']")

    # Délai hors ligne : une copie non confirmée depuis plus de PAROLES_OFFLINE_MAX_DAYS jours ne se lit plus.
    item_id = field["items"][capsule.pk]
    page.evaluate(f"""() => new Promise((resolve) => {{
        const open = indexedDB.open('paroles-hors-ligne');
        open.onsuccess = () => {{
            const t = open.result.transaction('items', 'readwrite');
            const store = t.objectStore('items');
            store.get('{item_id}').onsuccess = (e) => {{
                const item = e.target.result; item.confirmedAt = Date.now() - 31 * 24 * 3600 * 1000; store.put(item); }};
            t.oncomplete = () => {{ open.result.close(); resolve(true); }};
        }};
    }})""")
    page.route("**/hors-ligne/api/**", lambda route: route.abort("internetdisconnected"))  # pas de synchronisation
    page.reload()
    page.wait_for_selector("#offline-app[data-synced='1']")
    held = page.locator(f"#held-list > li[data-id='{item_id}']")
    assert "Non confirmé depuis plus de 30 jours" in held.inner_text()
    assert held.locator("button.play").count() == 0
    page.unroute("**/hors-ligne/api/**")
    page.click("#sync-now")  # la synchronisation reconfirme la copie : elle se lit de nouveau
    page.wait_for_selector(f"#held-list > li[data-id='{item_id}'] button.play")

    # Déconnexion : tout ce que l'application garde est effacé, la session est fermée.
    page.click("#logout")
    page.wait_for_selector("#login-banner:not([hidden])")
    assert page.locator("#held-list > li").count() == 0
    assert page.evaluate("async () => (await caches.keys()).includes('paroles-horsligne-fichiers')") is False
    assert page.evaluate("async () => (await indexedDB.databases()).map(d => d.name)") == []
    assert page.evaluate("async () => (await (await fetch('/boite-a-outils/hors-ligne/api/session/')).json()).authenticated") is False

    # Déconnexion depuis la boîte à outils (hors de l'application) : à sa prochaine ouverture, l'application
    # efface ce qu'elle garde (la marque est un cookie : cela vaut aussi sans réseau). Connectée ou pas, une
    # simple fin de session ne l'efface pas : seule la déconnexion le fait.
    context.add_cookies([session_cookie(live_server, field["awa"])])
    page.unroute("**/fichiers/**")
    page.reload()
    page.wait_for_selector("#offline-app[data-synced='1']")
    page.click(f"#catalogue-list > li[data-id='{item_id}'] button.take")
    page.wait_for_selector(f"#held-list > li[data-id='{item_id}'][data-state=held]")
    page.goto(live_server.url + field["toolkit"].url)
    page.click(".toolkit-account button[type=submit]")
    page.wait_for_url("**/animateurs/connexion/")
    page.goto(live_server.url + APP)
    page.wait_for_selector("#offline-app[data-synced='1']")
    assert page.locator("#held-list > li").count() == 0
    assert page.evaluate("async () => (await caches.keys()).includes('paroles-horsligne-fichiers')") is False
    context.close()
