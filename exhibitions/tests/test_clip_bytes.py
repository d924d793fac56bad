"""Les extraits d'une exposition, jusqu'aux octets : un extrait permis est un rendu coupé à sa fenêtre
(ffmpeg réel, sur un petit film généré), qui note sa fenêtre ; la porte le décide par les seules personnes
de cette fenêtre. Aucune adresse donnée au visiteur ne mène aux octets du chapitre refusé (ni au film
entier) ; un extrait pas encore coupé est « en préparation », jamais remplacé par le fichier entier."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from consent.access import Segment
from consent.channels import Channel
from consent.models import Participation
from consent.policy import policy
from consent.testing import grant, make_participant
from exhibitions.flows.prepare_clips import request_page_clips
from exhibitions.flows.render_exhibition import Exhibit
from exhibitions.models import ExhibitionPage
from exhibitions.tests import factories as f
from media_library.flows.request_clip import request_clip, request_window_clip
from media_library.flows.request_renditions import request_renditions
from media_library.models import Chapter, ProcessingJob, Rendition, WorkKind
from media_library.processing.jobs import run_job
from media_library.processing.steps import probe_output

pytestmark = pytest.mark.django_db


def _body(response):
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


@pytest.fixture
def film(tmp_path):
    """Un film de 2 s : Awa partout (tous canaux publics) ; Mariam, projections fermées seulement, ne paraît
    que dans « La route » (0,8–1,4 s). Les rendus de l'œuvre entière sont faits (ffmpeg)."""
    work = f.work_with_file(tmp_path, kind=WorkKind.FILM, title="r/Egard", pseudonym="Awa",
                            channels=("website", "museum", "closed_screening"))
    media = work.files.get()
    assert run_job(request_renditions(media, enqueue=False).pk).status == ProcessingJob.Status.DONE
    route = Chapter.objects.create(work=work, media_file=media, start=0.8, end=1.4, title_fr="La route")
    mariam = make_participant("Mariam")
    grant(work, channels=["closed_screening"], participant=mariam)
    Participation.objects.create(participant=mariam, work=work, role="in_image").chapters.set([route])
    return work, media, route


def _clip(media, start, end):
    job = request_window_clip(media, start, end, enqueue=False)
    assert job is not None and job.chapter_id is None
    job = run_job(job.pk)
    assert job.status == ProcessingJob.Status.DONE, job.error
    return media.get_window_clip(start, end)


def test_a_window_clip_is_cut_by_ffmpeg_and_records_its_window(film):
    work, media, _route = film
    clip = _clip(media, 0, 0.8)
    assert (clip.kind, clip.clip_start, clip.clip_end, clip.chapter_id) == ("clip_web", 0, 0.8, None)
    assert clip.consent_segment == (0, 0.8)
    assert clip.duration == pytest.approx(0.8, abs=0.15)
    duration, width, _height = probe_output(clip.file.path)  # les octets eux-mêmes : 0,8 s, pas 2
    assert duration == pytest.approx(0.8, abs=0.15) and width
    # Déjà fait : aucun second travail ; une autre fenêtre a sa propre ligne ; le rendu web reste l'œuvre entière.
    assert request_window_clip(media, 0, 0.8) is None
    other = _clip(media, 1.4, 2)
    assert other.pk != clip.pk and other.clip_start == 1.4
    web = media.get_rendition("web")
    assert web is not None and web.consent_segment is None and web.duration == pytest.approx(2, abs=0.2)


def test_the_gate_judges_a_clip_by_its_window(film, client):
    work, media, _route = film
    allowed, refused, astride = _clip(media, 0, 0.8), _clip(media, 0.8, 1.4), _clip(media, 0.5, 1.0)
    response = client.get(allowed.get_serve_url(Channel.WEBSITE))
    assert response.status_code == 200 and len(_body(response)) == allowed.size
    for rendition in (refused, astride, media.get_rendition("web")):
        assert client.get(rendition.get_serve_url(Channel.WEBSITE)).status_code == 404
    # La même décision que la politique, pour la fenêtre comme variante.
    assert policy.decide(AnonymousUser(), work, Channel.WEBSITE, variant=Segment(0, 0.8)).allowed
    assert not policy.decide(AnonymousUser(), work, Channel.WEBSITE, variant=refused).allowed


def test_chapter_clips_record_their_window_too(film):
    _work, media, route = film
    job = run_job(request_clip(route, enqueue=False).pk)
    assert job.status == ProcessingJob.Status.DONE, job.error
    rows = Rendition.objects.filter(chapter=route)
    assert {r.kind for r in rows} == {"clip_web", "clip_phone"}
    assert {(r.clip_start, r.clip_end) for r in rows} == {(0.8, 1.4)}
    assert media.get_rendition("clip_web") is None  # un extrait n'est jamais « le rendu » de l'œuvre


def _page(work, windows, kind="online"):
    content = [{"type": "chapter_clip", "value": {"work": work.pk, "title_fr": title, "title_bm": "", "start": s,
                                                  "end": e, "note_fr": "", "note_bm": ""}} for title, s, e in windows]
    return ExhibitionPage(title="Nos corps", kind=kind, body=[{"type": "section", "value": {
        "title_fr": "Salle 1", "title_bm": "", "intro_fr": "", "intro_bm": "", "content": content}}])


def _render(page):
    from django.template.loader import render_to_string

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    exhibit = Exhibit.for_page(page, request)
    html = "".join(render_to_string("exhibitions/blocks/chapter_clip.html",
                                    {"value": block.value, "exhibit": exhibit, "request": request})
                   for section in page.body for block in section.value["content"])
    return exhibit, html


def test_the_page_gives_only_the_allowed_clip_bytes(film):
    work, media, _route = film
    page = _page(work, [("Le départ", 0, 0.8), ("La route", 0.8, 1.4), ("L'arrivée", 1.4, 2)])
    # Rien de coupé encore : « en préparation », jamais le fichier entier.
    exhibit, html = _render(page)
    assert html.count("data-clip-preparing") == 2
    assert "La route" not in html and "/fichiers/" not in html
    assert not exhibit.nothing_visible  # l'œuvre entière est refusée, deux de ses extraits non
    jobs = request_page_clips(page)
    assert [(j.clip_start, j.clip_end) for j in jobs] == [(0, 0.8), (0.8, 1.4), (1.4, 2)]
    assert [j.pk for j in request_page_clips(page)] == [j.pk for j in jobs]  # déjà demandés : les mêmes travaux
    assert ProcessingJob.objects.filter(kind="clip").count() == 3
    for job in jobs:
        run_job(job.pk)
    exhibit, html = _render(page)
    first, last = media.get_window_clip(0, 0.8), media.get_window_clip(1.4, 2)
    refused = media.get_window_clip(0.8, 1.4)
    assert str(first.uuid) in html and str(last.uuid) in html
    assert str(refused.uuid) not in html and str(media.get_rendition("web").uuid) not in html
    assert str(media.uuid) not in html  # ni l'original
    assert "#t=" not in html  # l'extrait commence à 0 : aucune fenêtre posée sur un fichier entier
    assert "data-clip-preparing" not in html


def test_museum_labels_give_one_qr_per_allowed_clip_and_it_opens_only_that_clip(film, client):
    """Au musée : un cartel par extrait, son QR code mène à l'extrait
    seul ; un extrait qu'elle n'a pas accepté n'a pas de cartel, et son adresse répond comme une absente."""
    from exhibitions.flows.print_exhibition import museum_entries

    work, media, route = film
    windows = [("Le départ", 0, 0.8), ("La route", 0.8, 1.4)]
    page = _page(work, windows, kind="museum")
    # En ligne sans le contrôle de publication (comme après un retrait) : c'est chaque requête qui protège.
    page.slug, page.venue, page.live = "musee-extraits", "Musée du District de Bamako", True
    f.index_page().add_child(instance=page)
    for job in request_page_clips(page):
        run_job(job.pk)
    rooms = museum_entries(page, Channel.MUSEUM)
    entries = [e for _room, items in rooms for e in items]
    assert [e["title_fr"] for e in entries] == ["Le départ · r/Egard"]  # « La route » : Mariam, fermées seulement
    url = entries[0]["url"]
    assert url.endswith(f"/expositions/ecouter/{page.pk}/{work.pk}/extrait/0-800/")
    response = client.get(url[url.index("/expositions/"):])
    assert response.status_code == 200
    html = response.content.decode()
    assert str(media.get_window_clip(0, 0.8).uuid) in html and "Le départ" in html
    assert str(media.get_rendition("web").uuid) not in html
    assert client.get(f"/expositions/ecouter/{page.pk}/{work.pk}/extrait/800-1400/").status_code == 404
    assert client.get(f"/expositions/ecouter/{page.pk}/{work.pk}/extrait/0-2000/").status_code == 404  # pas un bloc
    assert client.get(f"/expositions/ecouter/{page.pk}/{work.pk}/").status_code == 404  # l'œuvre entière : non


def test_an_exhibition_with_one_allowed_clip_still_shows_something(film):
    """L'avis « plus rien de visible » (après un retrait) compte les extraits un par un : un extrait refusé
    sur deux ne vide pas l'exposition."""
    from exhibitions.flows.publish_exhibition import has_no_visible_work

    work, _media, _route = film
    assert not has_no_visible_work(_page(work, [("Le départ", 0, 0.8), ("La route", 0.8, 1.4)]))
    assert has_no_visible_work(_page(work, [("La route", 0.8, 1.4)]))


def test_a_video_clip_has_its_own_poster_taken_in_its_window_and_gated_by_it(film, client):
    """L'extrait d'une exposition a son affiche (le lecteur est en preload="none" : sans elle, un cadre noir),
    prise dans sa fenêtre : jamais l'affiche du film entier, où d'autres personnes peuvent paraître. La porte
    la décide par la fenêtre, comme l'extrait ; la page ne donne que les affiches des extraits permis."""
    work, media, _route = film
    page = _page(work, [("Le départ", 0, 0.8), ("La route", 0.8, 1.4)])
    for job in request_page_clips(page):
        assert run_job(job.pk).status == ProcessingJob.Status.DONE
    allowed, refused = media.get_window_clip(0, 0.8, "clip_poster"), media.get_window_clip(0.8, 1.4, "clip_poster")
    assert allowed is not None and refused is not None
    assert (allowed.clip_start, allowed.clip_end, allowed.mime_type) == (0, 0.8, "image/jpeg")
    assert 0 <= allowed.meta["at"] < 0.8 and 0.8 <= refused.meta["at"] < 1.4  # l'image vient de la fenêtre
    whole = media.get_rendition("poster")
    assert whole is not None and whole.pk != allowed.pk and whole.file.name != allowed.file.name
    assert allowed.width and allowed.height
    response = client.get(allowed.get_serve_url(Channel.WEBSITE))
    assert response.status_code == 200 and _body(response)[:2] == b"\xff\xd8"  # un JPEG
    assert client.get(refused.get_serve_url(Channel.WEBSITE)).status_code == 404  # Mariam : fermées seulement
    _exhibit, html = _render(page)
    assert f'poster="{allowed.get_serve_url(Channel.WEBSITE)}"' in html
    assert str(refused.uuid) not in html and str(whole.uuid) not in html
    # Un extrait coupé avant les affiches reçoit la sienne à la demande suivante, sans être recoupé.
    clip_web = media.get_window_clip(0, 0.8)
    allowed.delete()
    job = request_window_clip(media, 0, 0.8, enqueue=False)
    assert job is not None and run_job(job.pk).status == ProcessingJob.Status.DONE
    assert media.get_window_clip(0, 0.8, "clip_poster") is not None
    clip_web.refresh_from_db()
    assert media.get_window_clip(0, 0.8).pk == clip_web.pk
    assert request_window_clip(media, 0, 0.8) is None  # tout est fait


def _approved_track(work):
    from transcription.models import Cue, SubtitleTrack

    track = SubtitleTrack.objects.create(work=work, language="fr", status=SubtitleTrack.Status.IN_REVIEW)
    for n, (start, end, text) in enumerate([(0, 700, "Awa part zorbdepart."), (600, 1000, "À cheval zorbcheval."),
                                            (900, 1300, "Mariam parle zorbroute."), (1500, 1900, "Arrivée zorbarrivee.")]):
        Cue.objects.create(track=track, position=n, start_ms=start, end_ms=end, text=text)
    track.approve(allow_issues=True)
    return track


def test_a_clip_has_subtitles_cut_to_its_window_and_decided_for_it(film, client):
    """Les sous-titres d'un extrait : ses seules répliques (tout entières dans sa fenêtre : une réplique à
    cheval porte des mots dits hors d'elle), décalées pour commencer à 0, découpés à la demande dans la piste
    publiée. Décidés pour la fenêtre : celle où paraît Mariam (fermées seulement) répond comme une absente."""
    work, media, _route = film
    track = _approved_track(work)
    assert client.get(track.get_serve_url(Channel.WEBSITE)).status_code == 404  # la piste entière : Mariam y parle
    response = client.get(track.get_window_url(0, 0.8, Channel.WEBSITE))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/vtt")
    text = _body(response).decode()
    assert text.startswith("WEBVTT") and "zorbdepart" in text
    assert "00:00:00.000 --> 00:00:00.700" in text
    assert "zorbcheval" not in text and "zorbroute" not in text and "zorbarrivee" not in text
    last = _body(client.get(track.get_window_url(1.4, 2, Channel.WEBSITE))).decode()
    assert "00:00:00.100 --> 00:00:00.500" in last and "zorbarrivee" in last and "zorbroute" not in last
    absent = client.get(f"/fichiers/piste/{track.pk + 999}/extrait/800-1400/{work.slug}.fr.vtt")
    for refused in (client.get(track.get_window_url(0.8, 1.4, Channel.WEBSITE)),
                    client.get(track.get_window_url(0, 2, Channel.WEBSITE))):
        assert refused.status_code == absent.status_code == 404
        assert refused.content == absent.content  # exactement comme une absente

    # La page ne donne que les sous-titres des extraits permis, chacun à sa fenêtre.
    page = _page(work, [("Le départ", 0, 0.8), ("La route", 0.8, 1.4)])
    for job in request_page_clips(page):
        run_job(job.pk)
    _exhibit, html = _render(page)
    assert f'<track kind="subtitles" src="{track.get_window_url(0, 0.8, Channel.WEBSITE)}"' in html
    assert "/extrait/800-1400/" not in html and f"/fichiers/piste/{track.pk}/{work.slug}" not in html
    # Une correction vaut aussitôt : la fenêtre est découpée dans la piste publiée, pas dans une copie.
    from transcription.models import SubtitleTrack

    track.send_to_review()
    cue = track.cues.get(position=0)
    cue.text = "Awa s'en va zorbcorrige."
    cue.save()
    SubtitleTrack.objects.get(pk=track.pk).approve(allow_issues=True)
    again = _body(client.get(track.get_window_url(0, 0.8, Channel.WEBSITE))).decode()
    assert "zorbcorrige" in again and "zorbdepart" not in again
