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
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, headers={"Accept": "application/json"})


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
    work = Work.objects.get()
    assert work.title_bm == "Kalo ye"
    # Une œuvre neuve : on enchaîne sur ses fichiers, avec un message accordé au féminin.
    assert response["Location"] == reverse("media_library_work_files", args=[work.pk])
    page = admin_client.get(response["Location"]).content.decode()
    assert "Œuvre « Les règles ne sont pas une honte » créée." in page


def test_admin_wording_is_natural_french_per_model(admin_client, project):
    html = admin_client.get(reverse("wagtailsnippets_media_library_work:add")).content.decode()
    assert "Nouvelle œuvre" in html and "Nouvel(le)" not in html
    html = admin_client.get(reverse("wagtailsnippets_media_library_project:add")).content.decode()
    assert "Nouveau projet" in html
    html = admin_client.get(reverse("wagtailsnippets_media_library_workshop:add")).content.decode()
    assert "Nouvel atelier" in html
    refused = admin_client.post(reverse("wagtailsnippets_media_library_work:add"), {"kind": "capsule", "title_fr": ""})
    text = refused.content.decode()
    assert "L&#x27;œuvre n&#x27;a pas pu être créée" in text or "L'œuvre n'a pas pu être créée" in text
    assert "Le(la)" not in text and "créé(e)" not in text


def test_upload_with_progress_page(admin_client, work, small_video):
    page = admin_client.get(reverse("media_library_work_files", args=[work.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "media_library/js/upload.js" in html
    assert f'action="{reverse("media_library_upload_file", args=[work.pk])}"' in html
    # La file d'envoi est vide : le script y crée une barre de progression par fichier envoyé.
    assert '<ul class="pl-queue" id="pl-queue" aria-live="polite"></ul>' in html
    assert "<progress" not in html
    r = upload(admin_client, work, "capsule.mp4", small_video.read_bytes())
    assert r.status_code == 201, r.json()
    data = r.json()["file"]
    assert data["media_type"] == "Vidéo" and data["width"] == 320
    assert MediaFile.objects.get().sha256 == data["sha256"]


def test_upload_without_javascript_shows_a_page_not_json(admin_client, work, small_video):
    """Le formulaire sans JavaScript (<noscript>) : retour à la page des fichiers avec un message, pas du JSON."""
    url = reverse("media_library_upload_file", args=[work.pk])
    files_page = reverse("media_library_work_files", args=[work.pk])
    r = admin_client.post(url, {"file": SimpleUploadedFile("capsule.mp4", small_video.read_bytes())}, follow=True)
    assert r.redirect_chain == [(files_page, 302)]
    assert r["Content-Type"].startswith("text/html")
    assert "« capsule.mp4 » enregistré" in r.content.decode()
    r = admin_client.post(url, {"file": SimpleUploadedFile("vide.mp4", b"")}, follow=True)
    assert r.redirect_chain == [(files_page, 302)]
    assert "vide" in r.content.decode() and '"ok"' not in r.content.decode()
    assert MediaFile.objects.count() == 1


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
