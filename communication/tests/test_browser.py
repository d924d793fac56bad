"""Le journal hors ligne dans un vrai navigateur (Chromium de Debian via Playwright).

Hors ligne : deux fiches (dont une d'abord impossible, corrigée), fermeture COMPLÈTE du navigateur,
réouverture hors ligne (la page vient du service worker, les fiches d'IndexedDB), retour du réseau,
reconnexion (la session ne survit pas à la fermeture du navigateur), puis envoi : chaque fiche
arrive exactement une fois. Captures dans test-artifacts/.
"""

import pytest
from playwright.sync_api import expect

from communication.models import Screening
from paroles.browser_testing import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(playwright, profile):
    context = playwright.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                            locale="fr-FR", viewport={"width": 412, "height": 900})
    context.set_default_timeout(20000)
    return context


def _login(page, base):
    page.goto(base + "/journal/connexion/?next=/journal/")
    page.fill("#id_username", "awa")
    page.fill("#id_password", "mot-de-passe-de-test")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/journal/")


def _fill_entry(page, *, women, men, idps, host):
    page.select_option("#f-place-1", label="District de Bamako")
    page.select_option("#f-place-2", label="Commune VI")
    page.select_option("#f-place-3", label="Faladié")
    page.select_option("#f-place-4", label="Site de PDI de Faladié")
    page.select_option("#f-venue_type", value="idp_site")
    page.select_option("#f-channel", value="community_talk")
    page.select_option(".material-work", index=1)
    page.fill("#f-women", str(women))
    page.fill("#f-men", str(men))
    page.fill("#f-people_total", str(women + men))
    page.fill("#f-idps", str(idps))
    page.fill("#f-host_community", str(host))
    page.fill("#f-discussion_minutes", "40")


def _wait_count(page, state, n):
    """Attend que la liste montre n fiches dans l'état donné (ce que l'animatrice voit ; un localisateur
    qui patiente, sans eval dans la page, que la CSP du site interdit)."""
    expect(page.locator(f"#entry-list > li[data-state='{state}']")).to_have_count(n, timeout=20000)


def _states(page):
    return page.eval_on_selector_all("#entry-list > li", "els => els.map(e => e.dataset.state)")


def test_offline_entries_survive_closing_and_arrive_once(playwright, live_server, setup, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    profile = tmp_path / "profil-telephone"

    context = _open(playwright, profile)
    page = context.pages[0] if context.pages else context.new_page()
    _login(page, base)
    page.wait_for_selector("#journal[data-ready='1']")
    page.evaluate("async () => { await navigator.serviceWorker.ready; return true; }")
    page.reload()  # la page est désormais servie par le service worker
    page.wait_for_selector("#journal[data-ready='1']")
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    # Fiche 1 : d'abord impossible (négatif) ; le téléphone la refuse en français et la garde.
    _fill_entry(page, women=-2, men=3, idps=1, host=0)
    page.click("#save-entry")
    page.wait_for_selector("#form-errors:not([hidden])")
    assert "ne peut pas être négatif" in page.inner_text("#form-errors")
    assert _states(page) == ["invalid"]
    page.screenshot(path=str(ARTIFACTS / "journal-1-refus-local.png"), full_page=True)
    page.fill("#f-women", "9")
    page.fill("#f-people_total", "12")
    page.fill("#f-idps", "12")
    page.click("#save-entry")
    _wait_count(page, "queued", 1)
    # Fiche 2
    _fill_entry(page, women=4, men=2, idps=5, host=1)
    page.click("#save-entry")
    _wait_count(page, "queued", 2)
    assert "Hors ligne" in page.inner_text("#net-status")
    page.screenshot(path=str(ARTIFACTS / "journal-2-hors-ligne.png"), full_page=True)
    assert Screening.objects.count() == 0
    ids = page.eval_on_selector_all("#entry-list > li", "els => els.map(e => e.dataset.id)")
    context.close()  # le navigateur est fermé

    context = _open(playwright, profile)
    context.set_offline(True)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(base + "/journal/")  # hors ligne : servie par le service worker
    page.wait_for_selector("#journal[data-ready='1']")
    assert sorted(_states(page)) == ["queued", "queued"]
    page.screenshot(path=str(ARTIFACTS / "journal-3-reouvert-hors-ligne.png"), full_page=True)

    context.set_offline(False)
    page.click("#sync-now")
    # La session ne survit pas à la fermeture du navigateur : il faut se reconnecter, rien n'est perdu.
    page.wait_for_selector("#login-banner:not([hidden])")
    assert sorted(_states(page)) == ["queued", "queued"]
    page.click("#login-link")
    page.fill("#id_username", "awa")
    page.fill("#id_password", "mot-de-passe-de-test")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/journal/")
    _wait_count(page, "accepted", 2)
    page.screenshot(path=str(ARTIFACTS / "journal-4-recues.png"), full_page=True)
    # Un nouvel envoi ne double rien : rien n'est en attente, aucune fiche ne repart, la page le dit.
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    # La ligne d'état est vidée : le texte qui revient est celui de CET envoi (écrit une fois qu'il a fini).
    page.evaluate("document.getElementById('net-status').textContent = ''")
    page.click("#sync-now")
    expect(page.locator("#net-status")).to_have_text("En ligne. Toutes les fiches sont envoyées.")
    _wait_count(page, "accepted", 2)
    assert posts == []
    context.close()

    assert Screening.objects.count() == 2
    assert sorted(str(u) for u in Screening.objects.values_list("client_id", flat=True)) == sorted(ids)
    assert sorted(Screening.objects.values_list("people_total", flat=True)) == [6, 12]
    assert all(s.partner == setup["aracem"] for s in Screening.objects.all())
