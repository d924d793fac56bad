"""Cas 10 : une vidéo de téléphone tournée (portrait), un PDF de plusieurs pages, un VTT avec entités et
voix. Fichiers réels faits par ffmpeg et ReportLab."""

import pytest

from media_library import testing
from media_library.files import MediaError
from media_library.flows.ingest import ingest_file
from transcription import subtitles as subs

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.mark.parametrize(("display_rotation", "clockwise"), [(-90, 90), (90, 270), (180, 180), (0, 0)])
def test_rotated_phone_video_probes_as_displayed(work, tmp_path, display_rotation, clockwise):
    coded = testing.make_video(tmp_path / "coded.mp4", seconds=1, size="320x180")
    phone = tmp_path / "telephone.mp4"
    # Comme un téléphone tenu debout : image codée en paysage, matrice d'affichage qui la tourne.
    testing.run_ffmpeg("-display_rotation", str(display_rotation), "-i", coded, "-c", "copy", phone)
    media = ingest_file(work, phone, original_filename="telephone.mp4")
    video = next(s for s in media.probe["streams"] if s["type"] == "video")
    assert video["rotation"] == clockwise
    expected = (180, 320) if clockwise in (90, 270) else (320, 180)
    assert (media.width, media.height) == expected


def test_multi_page_pdf_counts_its_pages(work, tmp_path):
    pdf = testing.make_pdf(tmp_path / "livret.pdf", title="Sira", pages=7)
    media = ingest_file(work, pdf, original_filename="livret.pdf")
    assert media.probe["pages"] == 7


def test_unreadable_pdf_is_refused_in_french(work, tmp_path):
    bad = tmp_path / "faux.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ngarbage\n%%EOF\n")
    with pytest.raises(MediaError, match="PDF illisible|aucune page"):
        ingest_file(work, bad, original_filename="faux.pdf")
    assert not work.files.exists()


VTT = (
    "WEBVTT\n"
    "\n"
    "1\n"
    "00:00:01.000 --> 00:00:03.500\n"
    "<v Awa>R&amp;lt;D, c'est écrit &lt;R&amp;D&gt;</v>\n"
    "\n"
    "2\n"
    "00:00:04.000 --> 00:00:06.000\n"
    "<v.fort Fanta Traoré>Ɲɛ&nbsp;: « ŋ » &amp; &lrm;ɔ\n"
    "<v Awa>Awó.\n"
)


def test_vtt_with_entities_and_voices_round_trips_exactly():
    cues, fmt, _encoding = subs.parse_subtitles(VTT.encode("utf-8"), "piste.vtt")
    assert fmt == "vtt"
    # Une seule passe de décodage : « R&amp;lt;D » se lit « R&lt;D », pas « R<D ».
    assert cues[0].text == "<v Awa>R&lt;D, c'est écrit <R&D></v>"
    assert cues[0].plain == "R&lt;D, c'est écrit <R&D>"
    assert cues[1].text == "<v.fort Fanta Traoré>Ɲɛ\u00a0: « ŋ » & \u200eɔ\n<v Awa>Awó."
    assert subs.to_vtt(cues) == VTT  # mêmes octets
    assert "<v" not in subs.to_srt(cues)  # SRT (et incrustation) : le texte seul


def test_vtt_round_trips_through_a_stored_track(work):
    from transcription.models import SubtitleTrack

    track = SubtitleTrack.objects.create(work=work, language="fr")
    cues, _fmt, _enc = subs.parse_subtitles(VTT.encode("utf-8"), "piste.vtt")
    track.replace_cues(cues)
    assert subs.to_vtt(SubtitleTrack.objects.get(pk=track.pk).get_cues()) == VTT
