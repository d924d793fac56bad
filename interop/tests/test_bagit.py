"""Aller-retour BagIt : export_works → sac valide → import_works dans une instance VIDE (autre base, autre
stockage, processus séparé) → mêmes œuvres, mêmes fichiers (SHA-256), mêmes pistes, même résumé."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import bagit
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from consent.models import SensitiveAttributes
from consent.testing import grant, make_participant
from interop.bagit.summary import consent_summary
from media_library import testing
from media_library.models import Language, Work
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import PartnerFactory, ProjectFactory, ThemeFactory, WorkFactory

ROOT = Path(__file__).resolve().parents[2]


def _track(work, language, texts):
    from transcription.models import Cue, SubtitleTrack

    track = SubtitleTrack.objects.create(work=work, language=language, status=SubtitleTrack.Status.IN_REVIEW)
    for i, text in enumerate(texts):
        Cue.objects.create(track=track, position=i, start_ms=i * 2500, end_ms=i * 2500 + 2000, text=text)
    track.approve(allow_issues=True)
    return track


@pytest.fixture
def officer(db):
    from consent.testing import CONSENT_OFFICER, user_with_role

    return user_with_role("responsable_sac", CONSENT_OFFICER)


@pytest.fixture
def collection(db, media_dir, officer):
    project = ProjectFactory(name="Kafamuya")
    partner = PartnerFactory(name="Association des femmes", acronym="AF")
    photo = WorkFactory(project=project, partner=partner, kind="photovoice", title_fr="Mon chemin", title_bm="N ka sira",
                        words_verbatim="moi je marche beaucoup", external_id="pv-001", date_made=dt.date(2022, 3, 4),
                        licence="cc_by_nc_nd", place_made="Faladié")
    photo.themes.set([ThemeFactory(name="Migration")])
    photo.spoken_languages.set(Language.objects.filter(code__in=["fr", "bm"]))
    person = make_participant("Awa", legal_name="Aminata Secretnom", contact="+223 70 00 00 00")
    SensitiveAttributes.objects.create(participant=person, gender_minority=True, displaced_site_location="Bloc C rangée 7")
    grant(photo, participant=person, channels=["website", "museum"], face_blurred=True,
          expires_on=timezone.localdate() + dt.timedelta(days=200))
    ingest_file(photo, testing.make_image(media_dir / "Chemin d'Awa.jpg", color=(10, 200, 30)))
    ingest_file(photo, testing.make_pdf(media_dir / "légende.pdf", title="Légende"))
    _track(photo, "fr", ["Je marche beaucoup.", "La route est longue."])
    _track(photo, "bm", ["N bɛ taama kosɛbɛ."])
    leaflet = WorkFactory(project=project, kind="leaflet", title_fr="Dépliant hygiène", external_id="")
    ingest_file(leaflet, testing.make_pdf(media_dir / "depliant.pdf", title="Hygiène menstruelle"))
    return {"photo": photo, "leaflet": leaflet}


def describe(works):
    """Ce qui doit survivre à l'aller-retour (indépendant des clés primaires)."""
    from interop.bagit.export import external_id
    from transcription.models import SubtitleTrack

    out = {}
    for w in works:
        out[w.external_id or external_id(w)] = {
            "kind": w.kind, "title_fr": w.title_fr, "title_bm": w.title_bm, "words": w.words_verbatim,
            "project": w.project.name, "partner": w.partner.name if w.partner_id else "",
            "date": str(w.date_made), "licence": w.licence, "place": w.place_made,
            "themes": sorted(t.name for t in w.themes.all()),
            "languages": sorted(lang.code for lang in w.spoken_languages.all()),
            "files": sorted((f.original_filename, f.sha256, f.size) for f in w.files.all()),
            "tracks": {t.language: [[c.start_ms, c.end_ms, c.text] for c in t.cues.order_by("position")]
                       for t in SubtitleTrack.objects.filter(work=w, status="approved")},
        }
    return out


DUMP = """
import json
from media_library.models import Work
from interop.models import ConsentSummary
from interop.tests.test_bagit import describe
data = describe(Work.objects.order_by("pk"))
for s in ConsentSummary.objects.select_related("work"):
    data[s.work.external_id]["summary"] = s.summary
print("JSON:" + json.dumps(data, sort_keys=True))
"""


@pytest.mark.slow
def test_round_trip_into_an_empty_instance(collection, tmp_path):
    bag_dir = tmp_path / "sac"
    call_command("export_works", str(bag_dir), "--user", "responsable_sac", "--no-progress")
    bag = bagit.Bag(str(bag_dir))
    assert bag.is_valid()
    assert set(bag.algorithms) == {"sha256", "sha512"}
    payload = set(bag.payload_files())
    assert "data/works.csv" in payload
    assert "data/files/pv-001/1/Chemin d'Awa.jpg" in payload
    assert "data/subtitles/pv-001/fr.vtt" in payload and "data/subtitles/pv-001/bm.vtt" in payload
    assert "data/dublin_core/pv-001.xml" in payload and "data/consent/pv-001.json" in payload

    summary = json.loads((bag_dir / "data/consent/pv-001.json").read_text())
    assert summary["channels"] == ["museum", "website"]
    assert summary["conditions"] == ["face_blurred"]
    assert summary["expires_on"] == (timezone.localdate() + dt.timedelta(days=200)).isoformat()
    # Ni nom légal, ni contact, ni attribut sensible, nulle part dans le sac.
    everything = b"".join(p.read_bytes() for p in bag_dir.rglob("*") if p.is_file())
    for secret in ("Aminata Secretnom", "+223 70 00 00 00", "Bloc C rangée 7", "gender_minority"):
        assert secret.encode() not in everything, secret

    expected = describe(Work.objects.order_by("pk"))
    expected["pv-001"]["summary"] = consent_summary(collection["photo"])
    expected[f"paroles-{collection['leaflet'].pk}"]["summary"] = consent_summary(collection["leaflet"])

    # Une instance vide : base SQLite neuve, stockage privé neuf, autre processus.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "paroles.settings.test",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'vide.sqlite3'}", "PYTHONPATH": str(ROOT)}
    manage = [sys.executable, str(ROOT / "manage.py")]

    def run(*args):
        result = subprocess.run([*manage, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    run("migrate", "--noinput", "-v", "0")
    out = run("import_works", str(bag_dir), "--no-progress")
    assert "2 importée(s)" in out
    dumped = run("shell", "-c", DUMP)
    imported = json.loads(dumped.split("JSON:", 1)[1])
    expected = json.loads(json.dumps(expected, sort_keys=True))  # mêmes types que le JSON relu (listes)
    assert set(imported) == set(expected)
    for key, fields in expected.items():
        for name, value in fields.items():
            assert imported[key].get(name) == value, (key, name, imported[key].get(name), value)


def test_a_tampered_bag_is_refused_whole(collection, tmp_path):
    bag_dir = tmp_path / "sac"
    call_command("export_works", str(bag_dir), "--user", "responsable_sac", "--no-progress")
    before = Work.objects.count()
    target = bag_dir / "data/files/pv-001/1/Chemin d'Awa.jpg"
    data = bytearray(target.read_bytes())
    data[200] ^= 0xFF  # un octet abîmé (même taille)
    target.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="Sac BagIt invalide"):
        call_command("import_works", str(bag_dir), "--no-progress")
    assert Work.objects.count() == before


def test_export_refuses_a_non_empty_directory(collection, tmp_path):
    (tmp_path / "plein").mkdir()
    (tmp_path / "plein" / "x").write_text("x")
    with pytest.raises(CommandError, match="pas vide"):
        call_command("export_works", str(tmp_path / "plein"), "--user", "responsable_sac", "--no-progress")


def test_only_what_the_policy_allows_on_the_internal_archive(collection, tmp_path):
    """Une commissaire n'exporte que ce que le consentement lui permet sur l'archive interne."""
    from consent.testing import CURATOR, user_with_role

    user_with_role("commissaire_sac", CURATOR)
    bag_dir = tmp_path / "sac"
    call_command("export_works", str(bag_dir), "--user", "commissaire_sac", "--no-progress")
    csv_text = (bag_dir / "data/works.csv").read_text()
    assert "Dépliant hygiène" in csv_text  # aucune personne liée : archive interne permise
    assert "Mon chemin" not in csv_text  # consentement « site web, musée » seulement : pas l'archive interne
    assert not (bag_dir / "data/files/pv-001").exists()
    with pytest.raises(CommandError, match="Compte inconnu"):
        call_command("export_works", str(tmp_path / "autre"), "--user", "personne", "--no-progress")
