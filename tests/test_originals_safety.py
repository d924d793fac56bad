"""Aucune opération de rendu, de vérification, de transcription ou d'import ne supprime ni ne modifie un
original : après toutes celles disponibles, chaque original a encore ses octets (SHA-256 identique)."""

import hashlib

import pytest
from django.core.files.storage import default_storage

from media_library.files import MediaError
from media_library.models import MediaFile
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import WorkFactory


def _digest(name):
    with default_storage.open(name, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


@pytest.mark.django_db
def test_processing_renditions_transcription_and_import_never_touch_originals(project, small_video, small_audio,
                                                                               small_image, tmp_path):
    works = {kind: WorkFactory(project=project, title_fr=f"Œuvre {kind}", kind=kind)
             for kind in ("capsule", "podcast", "body_map")}
    originals = [ingest_file(works["capsule"], small_video), ingest_file(works["podcast"], small_audio),
                 ingest_file(works["body_map"], small_image)]
    before = {m.pk: (m.file.name, m.sha256) for m in originals}
    for name, digest in before.values():
        assert _digest(name) == digest
    ran = []

    from media_library.flows.request_renditions import process_original

    for media in originals:
        process_original(media.pk)
    ran.append("vérification")

    try:
        from media_library.processing.images import ensure_image_renditions
    except ImportError:
        ensure_image_renditions = None
    if ensure_image_renditions:
        ensure_image_renditions(originals[2], force=True)
        ensure_image_renditions(originals[2], force=True)  # deux fois : le rendu est remplacé, pas l'original
        ran.append("rendus d'images")

    try:
        from media_library.models import ProcessingJob
        from media_library.processing.jobs import run_job
    except ImportError:
        run_job = None
    if run_job:
        for media in originals[:2]:
            job = ProcessingJob.objects.create(media_file=media, force=True)
            run_job(job.pk)
        ran.append("rendus audio/vidéo")

    # Import : le même contenu une seconde fois est refusé, l'original d'origine reste.
    copy = tmp_path / "copie.mp4"
    copy.write_bytes(small_video.read_bytes())
    with pytest.raises(MediaError):
        ingest_file(WorkFactory(project=project, title_fr="Doublon"), copy)
    ran.append("import en double")

    assert MediaFile.objects.count() == 3
    for pk, (name, digest) in before.items():
        media = MediaFile.objects.get(pk=pk)
        assert media.file.name == name and media.sha256 == digest
        assert default_storage.exists(name) and _digest(name) == digest, f"original modifié après {ran}"
    assert "vérification" in ran and "import en double" in ran
