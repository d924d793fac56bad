"""L'étape 3 de l'histoire au niveau des chapitres, dans Chromium, seulement par les pages (l'ORM ne crée que
les comptes, et n'est lu que pour vérifier) :

- la commissaire téléverse le film et marque trois chapitres (page des chapitres) ;
- la responsable du consentement enregistre Awa (tous canaux publics) et Mariam (projections fermées
  seulement), puis lie Mariam à l'œuvre sur UN chapitre seulement (« Personnes liées aux œuvres ») ;
- la commissaire assemble une exposition en ligne avec les trois chapitres en blocs « Extrait (chapitre) » :
  la publication en ligne est refusée en nommant ce chapitre et le canal, les deux autres extraits passent ;
  au musée, Mariam ne l'a pas accepté non plus : l'extrait qui la montre retiré, la version musée se publie,
  les cartels (PDF avec QR codes) se téléchargent ;
- le visiteur de la page publiée ne reçoit que les extraits permis, chacun coupé à sa fenêtre : aucun octet
  du chapitre de Mariam (ni le film entier) ne lui est donné."""

import re

import pytest
from playwright.sync_api import expect

from consent.roles import CONSENT_OFFICER, CURATOR
from media_library import testing
from media_library.models import Rendition

from .people import (print_wall_labels, Person, account, create_project, fill_page_title, file_urls, new_work, publish_in_editor,
                     record_consent, upload)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1400, "height": 1000}
CHAPTERS = [("Le départ", "0:00", "0:01", 0, 1), ("La route", "0:01", "0:02", 1, 2), ("L'arrivée", "0:02", "0:03", 2, 3)]
TITLE = "r/Egard"
EXHIBITION = "Paroles de route"


def mark_chapters(person):
    """« Retour à l'œuvre », « Chapitres et extraits », puis chaque chapitre : début, fin, titre, enregistrer."""
    page = person.page
    person.click(page.get_by_role("link", name="Retour à l'œuvre"))
    person.click(page.get_by_role("link", name="Chapitres et extraits (0)"))
    page.wait_for_url("**/chapitres/")
    for title, start, end, _s, _e in CHAPTERS:
        page.wait_for_function("() => { const p = document.getElementById('pl-player'); return p && p.readyState >= 1; }")
        page.fill("input[name=start]", start)
        page.fill("input[name=end]", end)
        page.fill("input[name=title_fr]", title)
        person.click(page.get_by_role("button", name="Enregistrer le chapitre"))
        page.wait_for_selector(f"[data-seg][title=\"{title}\"]")


def link_on_one_chapter(person, pseudonym, work_title, chapter_label):
    """Consentement → « Personnes liées aux œuvres » → « Ajouter » : la personne, l'œuvre, le chapitre coché."""
    page = person.page
    page.goto(person.base + "/admin/consent_participation/")
    person.click(page.get_by_role("link", name="Ajouter").first)
    page.wait_for_selector("#id_participant-chooser")
    person.choose("id_participant", pseudonym)
    page.select_option("#id_role", value="in_image")
    person.choose("id_work", work_title)
    person.click(page.get_by_label(re.compile(re.escape(f"{work_title} · {chapter_label}"))))
    person.click(page.get_by_role("button", name="Créer", exact=True))
    expect(page.locator(".messages")).to_contain_text("créé")
    row = page.locator("main table tbody tr", has_text=pseudonym)
    expect(row).to_contain_text(chapter_label)


def add_clip_block(person, n, work_title, title, start, end):
    """Dans la salle : « + », « Extrait (chapitre) », le film dans le sélecteur, titre, début, fin."""
    page = person.page
    person.insert_block(re.compile("^Extrait"))
    prefix = f"body-0-value-content-{n}-value"
    person.choose(f"{prefix}-work", work_title)
    page.fill(f"#{prefix}-title_fr", title)
    page.fill(f"#{prefix}-start", str(start))
    page.fill(f"#{prefix}-end", str(end))


def submit_publish(person):
    page = person.page
    person.click(page.locator("footer [data-w-dropdown-target='toggle']").first)
    with page.expect_navigation():
        person.click(page.get_by_role("button", name="Publier"))


def test_online_refused_for_the_one_chapter_museum_published_visitor_gets_only_allowed_bytes(
        chromium, live_server, media_dir):
    account("aminata", role=CURATOR, superuser=True)
    account("fatoumata", role=CONSENT_OFFICER)
    film = testing.make_video(media_dir / "regard.mp4", seconds=3, size="320x240")
    evidence = testing.make_pdf(media_dir / "formulaire-signe.pdf")

    # La commissaire : le film, puis ses trois chapitres.
    context = chromium.new_context(locale="fr-FR", viewport=DESKTOP, accept_downloads=True)
    curator = Person(context, live_server.url, "commissaire")
    curator.login("aminata")
    create_project(curator, "Protection des migrants")
    new_work(curator, TITLE)
    upload(curator, film)
    curator.clicks = 0  # téléverser est compté dans son propre test
    mark_chapters(curator)
    curator.step("marquer trois chapitres")

    # La responsable du consentement : Awa partout ; Mariam, projections fermées seulement, dans « La route ».
    officer_context = chromium.new_context(locale="fr-FR", viewport=DESKTOP)
    officer = Person(officer_context, live_server.url, "responsable du consentement")
    officer.login("fatoumata")
    record_consent(officer, "Awa", TITLE, ["Site web public", "Exposition au musée",
                                           "Projections fermées des partenaires"], evidence)
    record_consent(officer, "Mariam", TITLE, ["Projections fermées des partenaires"], evidence)
    officer.clicks = 0
    link_on_one_chapter(officer, "Mariam", TITLE, "La route")
    officer.step("lier Mariam à un seul chapitre")
    assert officer.external_requests() == []
    officer.save_clicks("responsable du consentement : une personne liée à un seul chapitre")
    officer_context.close()

    page = curator.page
    try:
        # La liste des expositions, puis l'exposition : une salle, les trois chapitres en extraits.
        page.goto(live_server.url + "/admin/pages/")
        curator.click(page.locator("a[title^='Explorer les sous-pages'][title*='Welcome']"))
        curator.click(page.get_by_role("link", name="Ajouter une sous-page", exact=True))
        curator.click(page.get_by_role("link", name="Liste des expositions", exact=True))
        fill_page_title(curator, "Expositions")
        publish_in_editor(curator)
        curator.clicks = sum(curator.steps.values())  # la liste se crée une fois (comptée ailleurs)
        curator.click(page.locator("a[href$='/add_subpage/'][title*='Expositions']"))
        page.wait_for_selector("#id_title")
        fill_page_title(curator, EXHIBITION)
        page.fill("#id_venue", "Musée du District de Bamako")
        curator.click(page.locator("button.c-sf-add-button").first)  # une salle
        page.fill("#body-0-value-title_fr", "Salle 1 : le film en chapitres")
        for n, (title, _a, _b, start, end) in enumerate(CHAPTERS):
            add_clip_block(curator, n, TITLE, title, start, end)
        panel = page.locator("[data-consent-check]")
        expect(panel).not_to_have_attribute("aria-busy", "true")
        curator.step("assembler l'exposition (trois extraits)")

        # Publier en ligne : refusé, nommant l'extrait « La route » et le canal ; les deux autres passent.
        submit_publish(curator)
        error = page.locator(".messages li.error")
        expect(error).to_contain_text("Publication refusée")
        expect(error).to_contain_text("Site web public")
        expect(error).to_contain_text("extrait « La route » (0:01–0:02)")
        assert "Le départ" not in error.inner_text() and "L'arrivée" not in error.inner_text()
        expect(panel).to_contain_text("La route")
        assert "Le départ" not in panel.inner_text()
        curator.step("publier en ligne : refusé pour un chapitre")
        curator.shot("commissaire-chapitre-refuse")

        # Au musée : revérifié sans enregistrer ; Mariam n'a pas accepté le musée non plus, l'extrait est nommé.
        with page.expect_response(lambda r: "/consentement/" in r.url and r.request.method == "POST") as checked:
            page.select_option("#id_kind", value="museum")
        assert checked.value.status == 200
        expect(panel).to_contain_text("Exposition au musée")
        expect(panel).to_contain_text("La route")
        # L'extrait qui la montre est retiré (« Supprimer » sur son bloc) : tout le reste a le consentement.
        block = page.locator("#body-0-value-content-1-value-title_fr").locator("xpath=ancestor::section[1]")
        with page.expect_response(lambda r: "/consentement/" in r.url and r.request.method == "POST"):
            curator.click(block.get_by_role("button", name="Supprimer"))
        expect(panel).to_contain_text("Toutes les œuvres ont le consentement")
        submit_publish(curator)
        expect(page.locator(".messages li.success")).to_contain_text(EXHIBITION)
        curator.step("passer au musée, retirer l'extrait, publier")

        # Les cartels (PDF avec QR codes).
        print_wall_labels(curator, EXHIBITION, media_dir)
        curator.step("imprimer les cartels")
    except Exception:
        curator.shot("commissaire-chapitres-echec")
        raise
    assert curator.external_requests() == []
    curator.save_clicks("commissaire : extraits par chapitre, refus en ligne nommant le chapitre, musée, cartels")
    context.close()

    # Le visiteur : la page publiée montre les deux extraits permis, chacun servi coupé à sa fenêtre.
    visitor_context = chromium.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
    visitor = Person(visitor_context, live_server.url, "visiteur")
    vpage = visitor.page
    assert vpage.goto(live_server.url + "/expositions/").status == 200
    visitor.click(vpage.get_by_role("link", name=EXHIBITION).first)
    main = vpage.locator("main")
    expect(main).to_contain_text("Le départ")
    expect(main).to_contain_text("L'arrivée")
    assert "La route" not in main.inner_text()
    videos = main.locator("figure.clip video")
    expect(videos).to_have_count(2)
    # Lire le premier extrait, comme une personne : il joue, et ne dure qu'une seconde.
    first = videos.first
    first.scroll_into_view_if_needed()
    first.evaluate("v => { v.muted = true; return v.play(); }")
    vpage.wait_for_function("v => v.readyState >= 1 && v.duration > 0", arg=first.element_handle())
    assert first.evaluate("v => v.duration") < 1.5
    srcs = [v.get_attribute("src") for v in videos.all()]
    urls = file_urls(vpage)
    visitor.shot("visiteur-extraits-permis")
    # (lu pour vérifier) : chaque adresse de média est un extrait dont la fenêtre évite « La route » (1–2 s).
    served = {str(r.uuid): r for r in Rendition.objects.filter(clip_start__isnull=False)}
    for src in srcs:
        rendition = next(r for key, r in served.items() if key in src)
        assert rendition.clip_end <= 1 or rendition.clip_start >= 2, (rendition.clip_start, rendition.clip_end)
        assert rendition.duration and rendition.duration < 1.5
    # Chaque extrait montre son affiche avant la lecture, prise dans sa propre fenêtre.
    for poster in [v.get_attribute("poster") for v in videos.all()]:
        rendition = next(r for key, r in served.items() if key in (poster or ""))
        assert rendition.kind == "clip_poster"
        assert rendition.clip_end <= 1 or rendition.clip_start >= 2, (rendition.clip_start, rendition.clip_end)
    web = Rendition.objects.get(kind="web", chapter__isnull=True, clip_start__isnull=True)
    whole_poster = Rendition.objects.get(kind="poster", chapter__isnull=True, clip_start__isnull=True)
    assert not any(str(web.uuid) in u for u in urls)  # le film entier n'est pas donné
    assert not any(str(whole_poster.uuid) in u for u in urls)  # ni son affiche, où paraît Mariam
    for url in urls:
        assert vpage.request.get(url).status == 200, url
    assert vpage.request.get(live_server.url + web.get_serve_url()).status == 404  # ni servi à qui le demande
    assert visitor.external_requests() == []
    visitor_context.close()
