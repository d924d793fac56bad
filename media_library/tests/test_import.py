"""`import_works` : colonnes documentées, barre de progression, essai à blanc, idempotence,
lignes fautives signalées avec leur numéro, aucune œuvre à moitié importée."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from media_library import testing
from media_library.models import MediaFile, Work
from media_library.flows.import_works import CsvError, import_csv

pytestmark = pytest.mark.django_db

HEADER = "external_id,kind,title_fr,title_bm,project,series,themes,partner,languages,date_made,words_verbatim,files\n"


@pytest.fixture
def corpus(tmp_path):
    media = tmp_path / "corpus" / "media"
    media.mkdir(parents=True)
    testing.make_video(media / "capsule1.mp4", seconds=1)
    testing.make_image(media / "bodymap.jpg")
    testing.make_audio(media / "podcast.mp3", seconds=1)
    (media / "faux.mp4").write_text("<html><body>pas une vidéo</body></html>")
    return tmp_path / "corpus"


def write_csv(folder, rows, header=HEADER):
    path = folder / "oeuvres.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


GOOD = [
    "cap-1,capsule,Capsule un,Kapsili kelen,Projet migrants,Capsules VBG,VBG|Hygiène,ARACEM,fr|bm,2022-05-01,,media/capsule1.mp4\n",
    "bm-1,body_map,Carte d'Awa,,Projet migrants,,Migration,,fr,2022,,media/bodymap.jpg\n",
    'pv-1,photovoice,La tente,,Projet migrants,,,,fr,,"moi je veut aller a lecole, la tente il fait chaud",\n',
    "pod-1,podcast,Paroles de femmes,,Projet esclavage,,,,bm,,,media/podcast.mp3\n",
]


def test_imports_works_with_their_files(corpus):
    csv_path = write_csv(corpus, GOOD)
    report = import_csv(csv_path)
    assert report.count("created") == 4 and not report.errors
    cap = Work.objects.get(external_id="cap-1")
    assert cap.kind == "capsule" and cap.title_bm == "Kapsili kelen"
    assert cap.series.name == "Capsules VBG" and {t.name for t in cap.themes.all()} == {"VBG", "Hygiène"}
    assert {l.code for l in cap.spoken_languages.all()} == {"fr", "bm"}
    assert cap.files.get().media_type == "video"
    pv = Work.objects.get(external_id="pv-1")
    assert pv.words_verbatim == "moi je veut aller a lecole, la tente il fait chaud"  # gardé tel quel
    assert Work.objects.get(external_id="bm-1").date_made_text == "2022"
    assert MediaFile.objects.count() == 3


def test_second_run_creates_nothing(corpus):
    csv_path = write_csv(corpus, GOOD)
    import_csv(csv_path)
    counts = (Work.objects.count(), MediaFile.objects.count())
    report = import_csv(csv_path)
    assert report.count("skipped") == 4 and report.count("created") == 0
    assert (Work.objects.count(), MediaFile.objects.count()) == counts


def test_dry_run_writes_nothing(corpus):
    csv_path = write_csv(corpus, GOOD)
    call_command("import_works", str(csv_path), "--dry-run", "--no-progress")
    assert Work.objects.count() == 0 and MediaFile.objects.count() == 0


def test_bad_rows_reported_with_line_numbers_good_rows_import(corpus, capsys):
    rows = GOOD[:1] + [
        "x-1,sculpture,Type inconnu,,Projet migrants,,,,,,,\n",
        "x-2,capsule,Fausse vidéo,,Projet migrants,,,,,,,media/faux.mp4\n",
        "x-3,capsule,Hors du dossier,,Projet migrants,,,,,,,../../etc/passwd\n",
        "x-4,capsule,Manquant,,Projet migrants,,,,,,,media/absent.mp4\n",
        "x-5,capsule,Deux fichiers dont un faux,,Projet migrants,,,,,,,media/podcast.mp3|media/faux.mp4\n",
    ] + GOOD[1:2]
    csv_path = write_csv(corpus, rows)
    with pytest.raises(CommandError, match="5 ligne"):
        call_command("import_works", str(csv_path), "--no-progress")
    err = capsys.readouterr().err
    assert "ligne 3 [x-1]" in err and "type inconnu" in err
    assert "ligne 4 [x-2]" in err and "HTML" in err
    assert "ligne 5 [x-3]" in err and "hors du dossier" in err
    assert "ligne 6 [x-4]" in err and "introuvable" in err
    assert "ligne 7 [x-5]" in err
    assert set(Work.objects.values_list("external_id", flat=True)) == {"cap-1", "bm-1"}
    # La ligne x-5 n'a laissé ni œuvre ni fichier (le podcast valide n'a pas été gardé seul).
    assert MediaFile.objects.count() == 2


def test_missing_column_stops_before_importing(corpus):
    csv_path = write_csv(corpus, ["cap-1,capsule,Capsule un\n"], header="external_id,kind,title_fr\n")
    with pytest.raises(CsvError, match="project"):
        import_csv(csv_path)
    with pytest.raises(CommandError, match="manquante"):
        call_command("import_works", str(csv_path), "--no-progress")
    assert Work.objects.count() == 0


def test_semicolon_csv_from_french_excel(corpus):
    path = corpus / "excel.csv"
    path.write_text("\ufeffexternal_id;kind;title_fr;project\nl-1;Dépliant;Hygiène menstruelle;Projet migrants\n", encoding="utf-8")
    report = import_csv(path)
    assert report.count("created") == 1
    assert Work.objects.get().kind == "leaflet"


def test_file_already_in_archive_is_refused_naming_the_work(corpus):
    import_csv(write_csv(corpus, GOOD[:1]))
    path = corpus / "doublon.csv"
    path.write_text(HEADER + "cap-2,capsule,Copie,,Projet migrants,,,,,,,media/capsule1.mp4\n", encoding="utf-8")
    report = import_csv(path)
    assert len(report.errors) == 1 and "Capsule un" in report.errors[0].message
    assert not Work.objects.filter(external_id="cap-2").exists()


def test_progress_bar_is_shown(corpus, capsys):
    call_command("import_works", str(write_csv(corpus, GOOD[:1])))
    assert "Import des œuvres" in capsys.readouterr().err
