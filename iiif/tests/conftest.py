import pytest


@pytest.fixture
def body_map(db, project, media_dir, django_capture_on_commit_callbacks):
    """Une body map consentie (tous canaux), avec un grand original JPEG portant un EXIF et un lieu GPS."""
    from PIL import Image

    from consent.testing import grant
    from media_library.flows.ingest import ingest_file
    from media_library.tests.factories import WorkFactory

    work = WorkFactory(project=project, title_fr="Le chemin de Mariam", title_bm="Mariam ka sira", kind="body_map",
                       licence="cc_by_nc_nd")
    grant(work)
    path = media_dir / "body-map.jpg"
    img = Image.new("RGB", (1400, 2100), (200, 120, 60))
    for i in range(0, 1400, 50):
        img.paste((20 + i % 200, 40, 90), (i, 0, i + 10, 2100))
    exif = Image.Exif()
    exif[0x010F] = "Telephone-de-terrain"  # Make
    exif[0x8825] = {1: "N", 2: (12.0, 38.0, 0.0), 3: "W", 4: (8.0, 0.0, 0.0)}  # GPS : Bamako
    img.save(path, "JPEG", quality=90, exif=exif)
    with django_capture_on_commit_callbacks(execute=True):
        ingest_file(work, path)
    return work
