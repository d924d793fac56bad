"""Manifestes IIIF Presentation 3.0 : body map (détails en annotations), Photo Voice (mots tels quels),
exposition (seulement ce que l'appelant peut voir maintenant)."""

import json

import pytest
from iiif_prezi3 import Manifest

from consent.models import ConsentRecord
from consent.testing import withdraw_all
from exhibitions.tests import factories as f
from media_library.models import WorkKind

WORDS = "moi je veu allé a lécole  pour devenir docteur "


@pytest.fixture
def expo(db, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bodymap = f.work_with_file(tmp_path, kind=WorkKind.BODY_MAP, title="Carte de Fanta", title_bm="Fanta ka ja",
                                   licence="cc_by_nc_nd")
        photo = f.work_with_file(tmp_path, kind=WorkKind.PHOTOVOICE, title="L'eau du camp", words_verbatim=WORDS,
                                 words_bm="ji", pseudonym="Kadi")
        other = f.work_with_file(tmp_path, kind=WorkKind.BODY_MAP, title="Carte d'Oumou", pseudonym="Oumou")
    page = f.exhibition([bodymap, photo, other], publish=True, title_bm="An farikolo")
    # Deux détails : l'un avec sa région, l'autre au carré par défaut.
    section = page.body[0]
    block = section.value["content"][0]
    block.value["details"][0]["w"] = 20
    block.value["details"][0]["h"] = 10
    page.save_revision().publish()
    page.refresh_from_db()
    return {"page": page, "bodymap": bodymap, "photo": photo, "other": other}


def blocks_by_type(page):
    return {child.block_type: child.id for child in page.body[0].value["content"] if child.block_type != "quote"}


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Cache-Control"] == "private, no-store"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    Manifest(**data) if data.get("type") == "Manifest" else None  # relu par iiif-prezi3 (schéma 3.0)
    return data


@pytest.mark.django_db
def test_body_map_manifest_has_labels_rights_and_numbered_details_as_annotations(expo, client):
    page = expo["page"]
    block = next(c for c in page.body[0].value["content"] if c.block_type == "body_map")
    url = f"/iiif/web/exposition/{page.pk}/bloc/{block.id}/manifest.json"
    manifest = get_json(client, url)
    assert manifest["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert manifest["id"] == "http://testserver" + url
    assert manifest["label"] == {"fr": ["Carte de Fanta"], "bm": ["Fanta ka ja"]}
    assert manifest["rights"] == "http://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert set(manifest["requiredStatement"]["label"]) == {"fr", "bm"}
    assert "CC BY-NC-ND 4.0" in manifest["requiredStatement"]["value"]["fr"][0]
    canvas = manifest["items"][0]
    assert (canvas["width"], canvas["height"]) == (320, 480)
    body = canvas["items"][0]["items"][0]["body"]
    service = body["service"][0]
    assert service["type"] == "ImageService3" and service["id"].startswith("http://testserver/iiif/web/image/")
    assert service["profile"] == "level1" and "service" not in service  # les services d'accès : dans l'info.json
    assert client.get(body["id"]).status_code == 200  # l'image de repli existe vraiment
    annotations = canvas["annotations"][0]
    assert annotations["id"].endswith("/annotations.json")
    anno = annotations["items"][0]
    assert anno["motivation"] == "commenting"
    # x=40 %, y=30 %, 20 % × 10 % de 320 × 480 : 64 × 48, centré sur (128, 144).
    assert anno["target"] == f"{canvas['id']}#xywh=96,120,64,48"
    texts = {b["language"]: b["value"] for b in anno["body"]}
    assert texts == {"fr": "1. La tête — Souvenirs.", "bm": "1. Kun"}
    # La page d'annotations est aussi servie à son adresse (les visionneurs la suivent).
    assert get_json(client, annotations["id"].replace("http://testserver", ""))["items"][0]["target"] == anno["target"]


@pytest.mark.django_db
def test_photovoice_manifest_keeps_the_childs_words_verbatim(expo, client):
    page = expo["page"]
    block_id = blocks_by_type(page)["photovoice"]
    manifest = get_json(client, f"/iiif/web/exposition/{page.pk}/bloc/{block_id}/manifest.json")
    anno = manifest["items"][0]["annotations"][0]["items"][0]
    assert anno["target"] == manifest["items"][0]["id"]
    words = {b["language"]: b["value"] for b in anno["body"]}
    assert words["fr"] == WORDS  # espaces et fautes compris : rien n'est corrigé
    assert words["bm"] == "ji"
    assert manifest["rights"] == "http://rightsstatements.org/vocab/InC/1.0/"
    work_manifest = get_json(client, f"/iiif/web/oeuvre/{expo['photo'].pk}/manifest.json")
    assert work_manifest["items"][0]["annotations"][0]["items"][0]["body"][0]["value"] == WORDS


@pytest.mark.django_db
def test_exhibition_manifest_lists_only_what_the_caller_may_see_now(expo, client):
    page = expo["page"]
    url = f"/iiif/web/exposition/{page.pk}/manifest.json"
    manifest = get_json(client, url)
    assert manifest["label"] == {"fr": ["Nos corps, nos chemins"], "bm": ["An farikolo"]}
    labels = [c["label"]["fr"][0] for c in manifest["items"]]
    assert labels == ["Carte de Fanta", "L'eau du camp", "Carte d'Oumou"]

    withdraw_all(ConsentRecord.objects.get(work=expo["other"]).participant)
    manifest = get_json(client, url)
    assert [c["label"]["fr"][0] for c in manifest["items"]] == ["Carte de Fanta", "L'eau du camp"]
    assert "Oumou" not in json.dumps(manifest, ensure_ascii=False)
    other_block = [c.id for c in page.body[0].value["content"] if c.block_type == "body_map"][1]
    assert client.get(f"/iiif/web/exposition/{page.pk}/bloc/{other_block}/manifest.json").status_code == 404
    assert client.get(f"/iiif/web/exposition/{page.pk}/bloc/{other_block}/annotations.json").status_code == 404
    assert client.get(f"/iiif/web/oeuvre/{expo['other'].pk}/manifest.json").status_code == 404
    # Une exposition dépubliée n'a plus de manifeste.
    page.unpublish()
    assert client.get(url).status_code == 404
