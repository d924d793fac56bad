"""Chaque surface publique des sous-titres passe par la porte et par la décision d'accès."""

import pytest
from django.urls import reverse

from media_library.flows.ingest import ingest_file
from transcription.models import SubtitleTrack

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(db):
    from consent.testing import make_participant

    return make_participant("Awa")


def withdraw(participant):
    from consent.testing import withdraw_all

    withdraw_all(participant)


@pytest.fixture
def public_video(project, small_video, participant):
    """Une capsule qu'Awa, seule personne filmée, autorise sur tous les canaux."""
    from consent.testing import grant
    from media_library.tests.factories import WorkFactory

    work = WorkFactory(project=project, kind="capsule", title_fr="Capsule publique")
    grant(work, participant=participant)
    ingest_file(work, small_video, original_filename="capsule.mp4")
    return work


def test_approved_track_served_through_gate(client, public_video, make_track):
    from media_library.signals import file_served

    track = make_track(public_video, approve=True)
    served = []
    def listener(sender, purpose, work, **kw):
        served.append((purpose, work.pk))
    file_served.connect(listener)
    try:
        response = client.get(track.get_serve_url("website"))
    finally:
        file_served.disconnect(listener)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/vtt")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("WEBVTT") and "Aminata parle de la route." in body
    assert response["X-Content-Type-Options"] == "nosniff"
    assert served == [("piste:fr", public_video.pk)]
    srt = client.get(track.get_serve_url("website", "srt"))
    assert srt.status_code == 200 and b"00:00:03,000 --> 00:00:06,000" in b"".join(srt.streaming_content)


def test_track_refused_when_consent_does_not_allow(client, public_video, make_track, participant):
    track = make_track(public_video, approve=True)
    assert client.get(track.get_serve_url("website")).status_code == 200
    withdraw(participant)  # Awa retire son consentement
    response = client.get(track.get_serve_url("website"))
    assert response.status_code == 404
    from media_library.models import ServedFile

    assert ServedFile.objects.filter(allowed=False, purpose="piste:fr").exists()


def test_unapproved_track_is_not_public(client, admin_client, public_video, make_track):
    track = make_track(public_video)
    assert client.get(track.get_serve_url("website")).status_code == 404
    assert admin_client.get(track.get_serve_url("internal")).status_code == 404
    track.approve()
    track.send_to_review()
    assert not SubtitleTrack.objects.get(pk=track.pk).vtt_file
    assert client.get(track.get_serve_url("website")).status_code == 404


def test_wrong_filename_or_forged_channel(client, public_video, make_track):
    track = make_track(public_video, approve=True)
    url = track.get_serve_url("website")
    assert client.get(url.replace(".fr.vtt", ".fr.txt")).status_code == 404
    # Le canal n'est plus dans l'adresse : l'ancienne forme n'existe pas, un jeton inventé ne vaut rien.
    assert client.get(url.replace("/fichiers/", "/fichiers/internal/")).status_code == 404
    assert client.get(url + "?acces=internal").status_code == 200  # = le site web, qui l'autorise ici


def test_work_page_offers_tracks_and_interactive_transcript(client, public_video, make_track):
    track = make_track(public_video, approve=True)
    make_track(public_video, "bm", approve=False)
    html = client.get(public_video.get_absolute_url()).content.decode()
    assert f'src="{track.get_serve_url("website")}"' in html
    assert 'srclang="fr"' in html and 'srclang="bm"' not in html
    assert "data-transcript" in html and 'data-start="3.000"' in html
    assert "transcription/js/transcript.js" in html


def test_page_hidden_when_not_allowed(client, public_video, make_track, participant):
    make_track(public_video, approve=True)
    withdraw(participant)
    assert client.get(public_video.get_absolute_url()).status_code == 404


def test_subtitled_rendition_goes_through_gate(client, public_video, make_track, participant):
    from django.core.files.base import ContentFile

    from transcription.models import SubtitledRendition

    track = make_track(public_video, approve=True)
    rendition = SubtitledRendition.objects.create(track=track, media_file=public_video.files.first(),
                                                  status="ready", track_approved_at=track.approved_at)
    rendition.file.save("x.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=True)
    assert client.get(rendition.get_serve_url("website")).status_code == 200
    track.send_to_review()  # une piste retirée : sa version incrustée n'est plus servie
    assert client.get(rendition.get_serve_url("website")).status_code == 404
    track.approve()
    rendition.track_approved_at = track.approved_at
    rendition.save()
    assert client.get(rendition.get_serve_url("website")).status_code == 200
    withdraw(participant)
    assert client.get(rendition.get_serve_url("website")).status_code == 404


def test_work_page_says_who_wrote_what(client, admin_client, public_video, make_track):
    from transcription import subtitles as subs

    track = make_track(public_video, cues=[
        subs.Cue(0.0, 2.5, "Les femmes déplacées racontent.", origin="machine", model="bm:/srv/modele-prive"),
        subs.Cue(3.0, 6.0, "N tɔgɔ ye Awa ye.", origin="person", language="bm"),
        subs.Cue(6.5, 9.0, "", language="bm"),
    ])
    track.approve(allow_issues=True)  # l'équipe publie en sachant qu'un passage manque
    html = client.get(public_video.get_absolute_url()).content.decode()
    assert "Qui a écrit ce texte" in html
    assert "une machine (reconnaissance vocale Whisper), relue par l'équipe" in html
    assert "manquant : passage pas encore transcrit (probablement en bambara)" in html
    assert html.count('pl-transcript__line--machine"') == 1
    assert 'pl-transcript__line--person" lang="bm"' in html
    assert html.count('pl-transcript__line--todo" lang="bm"') == 1 and "[passage non transcrit]" in html
    assert "modele-prive" not in html  # le nom et le dossier du modèle restent dans l'administration
    admin = admin_client.get(reverse("transcription_work", args=[public_video.pk])).content.decode()
    assert "1 écrite par une machine (bm:/srv/modele-prive)" in admin
    assert "1 écrite par une personne" in admin and "1 manquante (à transcrire)" in admin


def test_public_transcript_reads_as_paragraphs(client, public_video, make_track):
    """Des paragraphes, pas des répliques : une phrase coupée sur deux répliques reste dans un même
    paragraphe ; un silence après une fin de phrase en ouvre un nouveau."""
    from transcription.subtitles import Cue

    make_track(public_video, cues=[
        Cue(0.0, 2.0, "Nous sommes parties"), Cue(2.1, 4.0, "de Mopti à pied."),
        Cue(7.0, 9.0, "À Bamako, personne"), Cue(9.1, 11.0, "ne nous attendait."),
    ], approve=True)
    html = client.get(public_video.get_absolute_url()).content.decode()
    assert html.count('class="pl-transcript__para"') == 2
    first, second = html.split('class="pl-transcript__para"')[1:3]
    assert "Nous sommes parties" in first and "de Mopti à pied." in first and "Bamako" not in first
    assert "ne nous attendait." in second
    assert "data-transcript-search" in html and ">0:07<" in second


def test_public_transcript_shows_the_speaker_name_never_the_voice_tag(client, public_video, make_track):
    """`<v Awa>` dit qui parle : la page publique affiche « Awa : … » (échappé), jamais la balise."""
    from exhibitions import integrations
    from transcription.subtitles import Cue

    make_track(public_video, cues=[
        Cue(0.0, 2.0, "<v Awa>Nous sommes parties de Mopti.</v>"),
        Cue(2.5, 4.0, "<v.fort Fanta &amp; Kadi>R&D, c'est <nous>.</v>"),
        Cue(4.5, 6.0, "<v <script>alert(1)</script>>Fin."),
    ], approve=True)
    html = client.get(public_video.get_absolute_url()).content.decode()
    section = html.split('data-transcript>', 1)[1].split("</section>", 1)[0]
    assert '<span class="pl-transcript__speaker">Awa</span> : Nous sommes parties de Mopti.' in section
    assert '<span class="pl-transcript__speaker">Fanta &amp; Kadi</span> : R&amp;D, c&#x27;est &lt;nous&gt;.' in section
    assert "&lt;script" in section and "<script" not in section  # un nom piégé reste du texte
    assert "&lt;v" not in section and "<v" not in section and "&lt;/v&gt;" not in section
    # Le texte du lecteur audio des expositions (« Lire la transcription ») : le même, sans balise.
    assert integrations.transcripts([public_video]) == {public_video.pk: (
        "Awa : Nous sommes parties de Mopti. Fanta & Kadi : R&D, c'est <nous>. <script : alert(1)</script>>Fin.")}
