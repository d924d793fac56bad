"""Les quatre cas de la démonstration, dans un vrai navigateur (Chromium via Playwright).

Anonyme, animatrice d'une autre organisation, responsable du consentement. Captures dans test-artifacts/.
"""

import pytest

from demo import consent as demo
from consent.channels import Channel
from media_library import testing
from media_library.flows.ingest import ingest_file
from paroles.browser_testing import ARTIFACTS, session_cookie

from demo.tests.test_consent import make_ctx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_cases_in_browser(chromium, live_server, project, media_dir):
    ARTIFACTS.mkdir(exist_ok=True)
    ctx = make_ctx(project)
    demo.build(ctx)
    works = ctx["works"]
    files = {}
    for i, key in enumerate(("photovoice_1", "capsule_secured", "bodymap_withdrawn", "capsule_expired")):
        # Un PDF (pas d'image) : ce test porte sur le consentement, pas sur les rendus d'images.
        document = testing.make_pdf(media_dir / f"{key}-{i}.pdf", title=f"{key} {i}", pages=i + 1)
        files[key] = ingest_file(works[key], document)
    personas = {
        "anonyme": None,
        "animatrice-autre-organisation": ctx["users"]["facilitator"],
        "responsable-consentement": ctx["users"]["consent_officer"],
    }
    seen = {}
    for persona, user in personas.items():
        context = chromium.new_context(locale="fr-FR")
        if user is not None:
            context.add_cookies([session_cookie(live_server, user)])
        page = context.new_page()
        for key, media in files.items():
            work = works[key]
            response = page.goto(live_server.url + work.get_absolute_url())
            page.screenshot(path=str(ARTIFACTS / f"consent-ci-{persona}-{key}.png"))
            text = page.content()
            # Les partenaires reçoivent des rendus (ici la couverture du PDF), jamais l'original.
            served = media.get_rendition("pdf_cover") or media
            download = page.request.get(live_server.url + served.get_serve_url(Channel.FACILITATOR_DOWNLOAD))
            seen[(persona, key)] = (response.status, work.title_fr in text, download.status)
            if response.status == 200:
                assert "private" in response.headers["cache-control"]
        context.close()

    # Le public et une animatrice d'une autre organisation : seule la photo de la mineure (consentie
    # pour le site web, accord de la tutrice ET assentiment) est visible ; le reste n'existe pas.
    for persona in ("anonyme", "animatrice-autre-organisation"):
        assert seen[(persona, "photovoice_1")][:2] == (200, True)
        for key in ("capsule_secured", "bodymap_withdrawn", "capsule_expired"):
            assert seen[(persona, key)][0] == 404, (persona, key)
    assert seen[("anonyme", "photovoice_1")][2] == 404  # téléchargement : il faut être d'une organisation
    assert seen[("animatrice-autre-organisation", "photovoice_1")][2] == 200
    for key in ("capsule_secured", "bodymap_withdrawn", "capsule_expired"):
        assert seen[("animatrice-autre-organisation", key)][2] == 404  # fichier refusé = absent
        # La page publique demande le canal du site web, pour tout le monde (aucun repli sur l'archive
        # interne) : la responsable du consentement, qui a le droit de savoir, reçoit la raison (403).
        assert seen[("responsable-consentement", key)][0] == 403
