"""Coût d'un rendu non mis en cache : le nombre de requêtes SQL des pages publiques ne dépend pas du nombre
d'œuvres (3 ou 30) et reste sous un plafond, à froid (juste après un changement de l'époque du consentement :
le mémo du processus est vide) comme à chaud (le mémo sert ce qui ne dépend pas de qui demande). La cible de
l'issue 18, 15 requêtes au plus à froid, est exigée (mesuré : accueil 15, expositions 14, boîte à outils 15).

Le catalogue mêle ce que les pages montrent vraiment : vidéos (rendu web, affiche, sous-titres, chapitres,
transcription), audios, body maps et Photo Voice (images Wagtail et leurs rendus), chacune avec sa personne
qui consent. Les lignes de la base suffisent ici (aucun octet n'est lu pour bâtir la page) ; le poids réel,
avec de vrais fichiers, est vérifié par `test_page_weight.py` dans Chromium.
"""

import itertools
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consent.testing import grant, make_participant
from media_library import testing
from media_library.models import ArchiveImage, Chapter, MediaFile, Rendition, WorkKind
from media_library.tests.factories import PartnerFactory, UserFactory, WorkFactory

from . import factories as f

pytestmark = pytest.mark.django_db

# Cible de l'issue 18 : ≤ 15 requêtes par page à froid, exigée ; avec le plafond à chaud, elle arrête toute
# régression (une requête par œuvre, une lecture de plus des faits, un mémo qui ne sert plus).
TARGET = 15
CEILING = TARGET  # à froid : mémo vide (après un changement de l'époque)
WARM_CEILING = 5  # à chaud : le mémo sert les faits, les œuvres, les pistes, les images, l'arbre des pages, le site (mesuré : 0, 0, 0, 4)
_seq = itertools.count()


def _media(work, media_type, mime, **kwargs):
    n = next(_seq)
    return MediaFile.objects.create(work=work, file=f"originals/essai/{n}.bin", original_filename=f"f{n}",
                                    sha256=f"{n:064x}", size=1000, mime_type=mime, media_type=media_type, **kwargs)


def _rendition(media, kind, mime, **kwargs):
    return Rendition.objects.create(media_file=media, kind=kind, settings_hash="x", mime_type=mime, size=1000,
                                    file=f"renditions/essai/{media.pk}-{kind}", **kwargs)


def _tracks(work, media):
    from transcription.models import Cue, SubtitleTrack

    for lang in ("fr", "bm"):
        track = SubtitleTrack.objects.create(work=work, language=lang, status="approved",
                                             vtt_file=f"tracks/essai/{work.pk}-{lang}.vtt")
        Cue.objects.create(track=track, start_ms=0, end_ms=1500, text=f"Awa : une parole ({lang}).")
    Chapter.objects.create(work=work, media_file=media, start=0, end=1, title_fr="Le départ")
    Chapter.objects.create(work=work, media_file=media, start=1, end=2, title_fr="L'arrivée")


def _image(data, n):
    image = ArchiveImage(title=f"Image {n}", width=200, height=300)
    image.file.save(f"image-{n}.png", ContentFile(data), save=False)
    image.width, image.height = 200, 300
    image.save()
    return image


def catalogue(n, tmp_path, partner):
    """n œuvres publiques : vidéo, audio, body map, Photo Voice, à tour de rôle."""
    data = testing.make_image(tmp_path / "partagee.png", size=(200, 300)).read_bytes()
    # Dès 3 œuvres, chaque type de bloc (œuvre, body map, Photo Voice) est présent : seul le nombre change.
    kinds = [WorkKind.CAPSULE, WorkKind.BODY_MAP, WorkKind.PHOTOVOICE, WorkKind.PODCAST]
    works = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        work = WorkFactory(kind=kind, title_fr=f"Œuvre {next(_seq)}", words_verbatim="moi je veu allé a lécole")
        if kind == WorkKind.CAPSULE:
            media = _media(work, "video", "video/mp4", width=320, height=240, duration=2)
            _rendition(media, "web", "video/mp4", width=320, height=240)
            _rendition(media, "phone", "video/mp4", width=320, height=240)
            _rendition(media, "poster", "image/jpeg", width=320, height=240)
            _tracks(work, media)
        elif kind == WorkKind.PODCAST:
            media = _media(work, "audio", "audio/mpeg", duration=2)
            _rendition(media, "web", "audio/mp4")
            _rendition(media, "audio", "audio/mp4")
            _tracks(work, media)
        else:
            _media(work, "image", "image/png", width=200, height=300, image=_image(data, i))
        person = make_participant(f"Awa {i}", partner=partner)
        from consent.models import Participation

        Participation.objects.create(participant=person, work=work, role="author")
        grant(work, channels=["website", "museum", "facilitator_download"], participant=person)
        works.append(work)
    return works


def pages(works, facilitator, suffix):
    """Les pages de l'issue 18 montrant `works` : [(nom, adresse, utilisateur)]."""
    from exhibitions.models import ToolkitPage

    online = f.exhibition(works, kind="online", title="En ligne", slug=f"en-ligne-{suffix}", publish=True)
    museum = f.exhibition(works, kind="museum", title="Au musée", slug=f"au-musee-{suffix}", publish=True)
    for old in ToolkitPage.objects.all():  # une seule boîte à outils (même adresse)
        old.delete()
    toolkit = f.toolkit([(w, []) for w in works])
    home = f.home()  # relue après l'ajout des pages enfants (sinon son `numchild` périmé serait réécrit)
    home.featured_exhibition = online
    home.toolkit = toolkit
    home.save_revision().publish()
    return [("accueil", "/", None), ("exposition en ligne", online.url, None),
            ("exposition au musée", museum.url, None), ("boîte à outils", toolkit.url, facilitator)]


def _stable(html):
    """Le HTML sans ce qui change à chaque réponse (jeton CSRF masqué, nonce)."""
    return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"', r'\1=""', html)


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    assert response.get("X-Paroles-Cache") is None  # un vrai rendu, pas une page gardée
    return len(ctx.captured_queries), response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def count_queries(client, path, user):
    """(requêtes à froid, à chaud, HTML, SQL à froid, SQL à chaud)."""
    from consent import epoch

    if user is not None:
        client.force_login(user)
    else:
        client.logout()
    assert client.get(path).status_code == 200  # premier rendu : rendus d'images créés une fois pour toutes
    epoch.bump()  # un changement quelconque : nouvelle époque, le mémo du processus ne sert plus
    cold, html, cold_sql = _count(client, path)
    warm, warm_html, warm_sql = _count(client, path)
    assert _stable(warm_html) == _stable(html)  # le mémo ne change rien à ce qui est montré
    return cold, warm, html, cold_sql, warm_sql


@pytest.fixture
def memo_on(settings):
    settings.PAROLES_MEMO = True
    settings.PAROLES_PAGE_CACHE = False


def test_query_count_is_flat_in_the_catalogue_size_and_bounded(tmp_path, client, memo_on):
    """Les mêmes pages avec 3 puis 30 œuvres : même nombre de requêtes, à froid (au plus TARGET, la cible de
    l'issue 18) et à chaud (au plus WARM_CEILING), chaque œuvre montrée."""
    partner = PartnerFactory()
    facilitator = UserFactory()
    partner.users.add(facilitator)
    works = catalogue(3, tmp_path, partner)
    counts = {}
    for n in (3, 30):
        if n > len(works):
            works += catalogue(n - len(works), tmp_path, partner)
        for name, path, user in pages(works, facilitator, n):
            cold, warm, html, cold_sql, warm_sql = count_queries(client, path, user)
            counts.setdefault(name, {})[n] = (cold, warm, cold_sql, warm_sql)
            if name.startswith("exposition"):
                missing = [w.title_fr for w in works
                           if f'id="oeuvre-{w.pk}"' not in html and f'id="bodymap-{w.pk}"' not in html]
                assert not missing, (name, n, missing)
            if name == "boîte à outils":
                assert html.count('class="material"') == n
    report = {name: {n: c[:2] for n, c in by_n.items()} for name, by_n in counts.items()}
    print("Requêtes SQL par page (3 / 30 œuvres), (à froid, à chaud) :", report)
    for name, by_n in counts.items():
        (cold3, warm3, _s, _w), (cold30, warm30, cold_sql, warm_sql) = by_n[3], by_n[30]
        assert cold3 == cold30, (name, report, "\n".join(cold_sql))
        assert warm3 == warm30, (name, report, "\n".join(warm_sql))
        assert cold30 <= CEILING, (name, report, "\n".join(cold_sql))
        assert warm30 <= WARM_CEILING, (name, report, "\n".join(warm_sql))
        assert warm30 < cold30, (name, report)
