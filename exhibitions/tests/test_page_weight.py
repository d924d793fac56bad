"""Poids des pages publiques sur un téléphone : ≤ 300 Ko transférés avant que la personne lance une lecture.

Vrai navigateur (Chromium de Debian, Playwright), au format téléphone (360×740, densité 2, tactile), cache du
navigateur coupé ; on compte ce que le réseau transfère (en-têtes et corps encodés, comme la colonne
« transféré » des outils de développement : `paroles.browser_testing.transferred_bytes`). Archive comme celle
de démonstration, en petit : une capsule vidéo sous-titrée, un podcast, une body map et une Photo Voice en
grandes images (vrais fichiers, vrais rendus par ffmpeg et Pillow), deux expositions, la boîte à outils.
Aucune vidéo ni aucun son ne part avant la lecture (`preload="none"`, une affiche) ; les images ont leur
version téléphone (`srcset`).
"""

import pytest
from django.urls import reverse

from consent.testing import grant, make_participant
from media_library.models import WorkKind
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import PartnerFactory, UserFactory, WorkFactory
from paroles.browser_testing import session_cookie, transferred_bytes

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIMIT = 300_000  # octets (300 Ko)
# Ce que nginx compresse en production (deploy/nginx/paroles.conf, `gzip_types` de /static/).
GZIP_TYPES = {"text/css", "application/javascript", "text/javascript", "image/svg+xml", "application/json"}


class Server:
    def __init__(self, url):
        self.url = url


@pytest.fixture
def phone_server(transactional_db):
    """Un serveur de test comme `live_server`, dont les fichiers statiques sont compressés comme par nginx en
    production : on mesure ce qu'un téléphone reçoit vraiment (OpenSeadragon : 353 Ko bruts, ~100 Ko gzip)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.middleware.gzip import GZipMiddleware
    from django.test.testcases import LiveServerThread
    from django.test.utils import modify_settings

    class CompressedStatic(StaticFilesHandler):
        def serve(self, request):
            response = super().serve(request)
            if response.get("Content-Type", "").split(";")[0].strip() in GZIP_TYPES:
                return GZipMiddleware(lambda _request: response)(request)
            return response

    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    thread = LiveServerThread("localhost", static_handler=CompressedStatic, connections_override=shared, port=0)
    thread.daemon = True
    for connection in shared.values():
        connection.inc_thread_sharing()
    try:
        with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
            thread.start()
            thread.is_ready.wait()
            if thread.error:
                raise thread.error
            yield Server(f"http://localhost:{thread.port}")
            thread.terminate()
    finally:
        for connection in shared.values():
            connection.dec_thread_sharing()


def photo_like(path, size):
    """Une grande photo (dégradé, grain) : elle se compresse comme une photo, pas comme un aplat."""
    from PIL import Image, ImageFilter

    gradient = Image.linear_gradient("L").resize(size)
    base = Image.merge("RGB", (gradient, gradient.rotate(90).resize(size), Image.new("L", size, 90)))
    noise = Image.effect_noise(size, 25).convert("RGB")
    Image.blend(base, noise, 0.35).filter(ImageFilter.GaussianBlur(0.6)).save(path, "JPEG", quality=92)
    return path


def big_image_work(tmp_path, kind, title, size=(1600, 2400)):
    work = WorkFactory(kind=kind, title_fr=title, words_verbatim="moi je veu allé a lécole pour devenir docteur")
    path = photo_like(tmp_path / f"grande-{work.pk}.jpg", size)
    f.attach_image(ingest_file(work, path))
    person = make_participant(f"Awa {work.pk}")
    from consent.models import Participation

    Participation.objects.get_or_create(participant=person, work=work, role="author")
    grant(work, channels=["website", "museum", "facilitator_download"], participant=person)
    return work


def add_subtitles(work):
    from transcription.models import Cue, SubtitleTrack

    track = SubtitleTrack.objects.create(work=work, language="fr", status=SubtitleTrack.Status.IN_REVIEW)
    Cue.objects.create(track=track, position=0, start_ms=0, end_ms=1800, text="Bonjour, je m'appelle Awa.")
    track.approve(allow_issues=True)
    return track


def test_every_public_page_weighs_at_most_300_kb_on_a_phone_before_play(chromium, phone_server, tmp_path):
    live_server = phone_server
    partner = PartnerFactory()
    facilitator = UserFactory()
    partner.users.add(facilitator)
    capsule = f.work_with_file(tmp_path, kind=WorkKind.CAPSULE, title="Capsule sous-titrée", pseudonym="Mariam")
    add_subtitles(capsule)
    podcast = f.work_with_file(tmp_path, kind=WorkKind.PODCAST, title="Podcast des femmes", pseudonym="Fanta")
    bodymap = big_image_work(tmp_path, WorkKind.BODY_MAP, "Carte de Fanta")
    photo = big_image_work(tmp_path, WorkKind.PHOTOVOICE, "Photo d'Aminata")
    works = [capsule, podcast, bodymap, photo]
    online = f.exhibition(works, kind="online", title="En ligne", slug="en-ligne", publish=True)
    museum = f.exhibition(works, kind="museum", title="Au musée", slug="au-musee", publish=True)
    toolkit = f.toolkit([(capsule, []), (podcast, [])])
    home = f.home()  # relue après l'ajout des pages enfants
    home.featured_exhibition, home.toolkit = online, toolkit
    home.save_revision().publish()

    # Les fichiers qui ne doivent jamais partir avant la lecture : les vidéos et les sons (rendus web,
    # téléphone, audio seul) et les originaux.
    media = [m for w in works for m in w.files.all()]
    forbidden = {str(m.uuid) for m in media} | {
        str(r.uuid) for m in media for r in m.renditions.all() if r.kind in ("web", "phone", "audio")}
    facilitator_cookie = [session_cookie(live_server, facilitator)]
    pages = [
        ("accueil", "/", ()),
        ("exposition en ligne", online.url, ()),
        ("exposition au musée", museum.url, ()),
        ("boîte à outils (animatrice)", toolkit.url, facilitator_cookie),
        ("page d'une œuvre", capsule.get_absolute_url(), ()),
        ("liste des archives", reverse("media_library:work_list"), ()),
    ]
    report = {}
    for name, path, cookies in pages:
        total, detail = transferred_bytes(chromium, live_server.url + path, cookies=cookies)
        report[name] = total
        assert detail, (name, "rien n'a été chargé")
        # Les tuiles IIIF d'une body map ou d'une photo portent l'identifiant de l'original, mais ce sont des
        # dérivés (quelques tuiles à la taille de l'écran) : elles comptent dans le poids, pas comme original.
        early = [url for url in detail if "/iiif/" not in url
                 and any(uuid in url or uuid.replace("-", "") in url for uuid in forbidden)]
        assert not early, (name, "média chargé avant la lecture", early)
        assert all(url.startswith(live_server.url) or url.startswith("data:") for url in detail), (name, detail)
        assert total <= LIMIT, (name, total, sorted(detail.items(), key=lambda kv: -kv[1])[:5])
    print("Poids transféré (octets) :", report)
