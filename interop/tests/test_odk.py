"""OpenRosa 1.0 : formList, formulaire (pyxform) et médias, envois réels comme ODK Collect les fait."""

import io
import uuid

import pytest
from lxml import etree
from PIL import Image

from communication.models import Screening
from consent.testing import grant, make_participant, withdraw_all
from interop.models import ScreeningAttachment
from media_library.tests.factories import PartnerFactory, UserFactory, WorkFactory

from .odk_bodies import BOUNDARY, basic, instance_xml, multipart, post

PASSWORD = "mot-de-passe-de-test"
NS = {"x": "http://openrosa.org/xforms/xformsList", "m": "http://openrosa.org/xforms/xformsManifest",
      "r": "http://openrosa.org/http/response", "h": "http://www.w3.org/1999/xhtml", "f": "http://www.w3.org/2002/xforms"}


@pytest.fixture
def auth(setup):
    return basic("awa", PASSWORD)


def jpeg_bytes(color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


def message(response):
    return etree.fromstring(response.content).findtext("r:message", namespaces=NS)


def test_no_credentials_is_challenged_with_basic(client, setup):
    response = client.get("/odk/formList")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="Paroles ODK"')
    assert response["X-OpenRosa-Version"] == "1.0"
    assert "Identifiez-vous" in message(response)
    assert client.get("/odk/formList", HTTP_AUTHORIZATION=basic("awa", "faux")).status_code == 401


def test_user_without_organisation_is_refused(client, setup):
    UserFactory(username="sans_orga")
    response = client.get("/odk/formList", HTTP_AUTHORIZATION=basic("sans_orga", PASSWORD))
    assert response.status_code == 403 and "aucune organisation" in message(response)


def test_wagtail_api_token_works_as_password_and_revocation_stops_it(client, setup):
    from django.utils import timezone
    from wagtail.models import APIToken

    token, plaintext = APIToken.create_token(user=setup["facilitator"], name="téléphone d'Awa")
    assert client.get("/odk/formList", HTTP_AUTHORIZATION=basic("awa", plaintext)).status_code == 200
    # Le jeton d'une autre personne ne vaut pas pour ce nom d'utilisateur.
    assert client.get("/odk/formList", HTTP_AUTHORIZATION=basic("autre", plaintext)).status_code == 401
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/odk/formList", HTTP_AUTHORIZATION=basic("awa", plaintext)).status_code == 401


def test_form_list_form_and_media(client, setup, auth):
    hidden = WorkFactory(project=setup["project"], title_fr="Capsule sans consentement")
    response = client.get("/odk/formList", HTTP_AUTHORIZATION=auth, HTTP_X_OPENROSA_VERSION="1.0")
    assert response.status_code == 200 and response["X-OpenRosa-Version"] == "1.0"
    assert response["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    xform = root.find("x:xform", NS)
    assert xform.findtext("x:formID", namespaces=NS) == "paroles-projection"
    version = xform.findtext("x:version", namespaces=NS)
    form = client.get(xform.findtext("x:downloadUrl", namespaces=NS), HTTP_AUTHORIZATION=auth)
    assert form.status_code == 200
    import hashlib

    assert xform.findtext("x:hash", namespaces=NS) == "md5:" + hashlib.md5(form.content).hexdigest()
    doc = etree.fromstring(form.content)
    data = doc.find(".//f:instance/f:data", NS)
    assert data.get("id") == "paroles-projection" and data.get("version") == version
    # Les organisations de l'animatrice seulement, dans le formulaire ; les supports et lieux en médias CSV.
    partner_items = doc.findall(".//f:instance[@id='partner']//f:item/f:name", NS)
    assert [i.text for i in partner_items] == [str(setup["aracem"].pk)]
    assert doc.find(".//f:instance[@id='supports']", NS).get("src") == "jr://file-csv/supports.csv"

    manifest = client.get(xform.findtext("x:manifestUrl", namespaces=NS), HTTP_AUTHORIZATION=auth)
    files = {m.findtext("m:filename", namespaces=NS): m for m in etree.fromstring(manifest.content).findall("m:mediaFile", NS)}
    assert set(files) == {"lieux.csv", "supports.csv"}
    works_csv = client.get(files["supports.csv"].findtext("m:downloadUrl", namespaces=NS), HTTP_AUTHORIZATION=auth)
    assert works_csv.status_code == 200
    assert files["supports.csv"].findtext("m:hash", namespaces=NS) == "md5:" + hashlib.md5(works_csv.content).hexdigest()
    text = works_csv.content.decode()
    assert text.startswith("name,label\n")
    assert "Capsule VBG 1" in text and "Capsule VBG 2" in text
    assert hidden.title_fr not in text  # la fonction d'accès : pas de consentement, pas dans la liste
    places_csv = client.get(files["lieux.csv"].findtext("m:downloadUrl", namespaces=NS), HTTP_AUTHORIZATION=auth)
    assert "Site de PDI de Faladié" in places_csv.content.decode()
    assert client.get("/odk/forms/autre/form.xml", HTTP_AUTHORIZATION=auth).status_code == 404


def test_a_changed_plan_gives_a_new_version(client, setup, auth):
    def version():
        root = etree.fromstring(client.get("/odk/formList", HTTP_AUTHORIZATION=auth).content)
        return root.findtext("x:xform/x:version", namespaces=NS)

    first = version()
    assert version() == first  # stable tant que rien ne change
    work = WorkFactory(project=setup["project"], title_fr="Nouvelle capsule")
    assert version() == first  # sans consentement, elle n'entre pas dans le formulaire
    record = grant(work)
    second = version()
    assert second != first
    withdraw_all(record.participant)
    assert version() == first  # retirée : le formulaire redevient celui d'avant


def test_submission_head_announces_openrosa_limits(client, setup, auth):
    response = client.head("/odk/submission", HTTP_AUTHORIZATION=auth)
    assert response.status_code == 204
    assert response["X-OpenRosa-Version"] == "1.0"
    assert int(response["X-OpenRosa-Accept-Content-Length"]) == 10 * 1024 * 1024
    assert client.head("/odk/submission").status_code == 401


def test_submission_recorded_once_resend_acknowledged_conflict_refused(client, setup, auth):
    xml, instance_id = instance_xml(setup)
    photo = jpeg_bytes()
    first = post(client, multipart(xml, [("1701.jpg", "image/jpeg", photo)]), auth)
    assert first.status_code == 201, first.content
    assert "Fiche reçue (référence P-" in message(first)
    s = Screening.objects.get(client_id=uuid.UUID(instance_id.removeprefix("uuid:")))
    assert (s.girls, s.boys, s.women, s.men, s.people_total) == (2, 1, 9, 3, 15)
    assert s.facilitator == setup["facilitator"] and s.partner == setup["aracem"]
    assert sorted(m.work_id for m in s.materials.all()) == sorted(w.pk for w in setup["works"])
    attachment = s.attachments.get()
    assert attachment.original_filename == "1701.jpg" and attachment.mime_type == "image/jpeg"
    import hashlib

    assert attachment.sha256 == hashlib.sha256(photo).hexdigest()

    again = post(client, multipart(xml, [("1701.jpg", "image/jpeg", photo)]), auth)
    assert again.status_code == 202
    assert "déjà été reçue" in message(again)
    assert Screening.objects.count() == 1 and ScreeningAttachment.objects.count() == 1

    changed, _ = instance_xml(setup, instance_id=instance_id, women=10, idps=13)
    conflict = post(client, multipart(changed), auth)
    assert conflict.status_code == 409
    assert "déjà été reçu avec un autre contenu" in message(conflict)
    s.refresh_from_db()
    assert s.women == 9 and Screening.objects.count() == 1


def test_a_split_submission_adds_the_missing_attachment(client, setup, auth):
    xml, instance_id = instance_xml(setup)
    assert post(client, multipart(xml, [("a.jpg", "image/jpeg", jpeg_bytes())]), auth).status_code == 201
    second = post(client, multipart(xml, [("b.jpg", "image/jpeg", jpeg_bytes((0, 0, 200)))]), auth)
    assert second.status_code == 202
    assert sorted(ScreeningAttachment.objects.values_list("original_filename", flat=True)) == ["a.jpg", "b.jpg"]


def test_invalid_counts_get_the_web_log_messages(client, setup, auth):
    xml, _ = instance_xml(setup, women=8)  # total 14 ≠ groupes 15
    response = post(client, multipart(xml), auth)
    assert response.status_code == 422
    assert "La répartition par groupe (15) ne correspond pas au total (14)" in message(response)
    xml, _ = instance_xml(setup, girls=-3)
    response = post(client, multipart(xml), auth)
    assert response.status_code == 422 and "un nombre ne peut pas être négatif" in message(response)
    assert Screening.objects.count() == 0


def test_other_organisation_is_refused(client, setup, auth):
    xml, _ = instance_xml(setup, partner=setup["atc"].pk)
    response = post(client, multipart(xml), auth)
    assert response.status_code == 403
    assert "que pour votre organisation" in message(response)
    assert Screening.objects.count() == 0


def test_a_work_she_may_not_show_is_refused(client, setup, auth):
    hidden = WorkFactory(project=setup["project"], title_fr="Capsule protégée")
    xml, _ = instance_xml(setup, works=str(hidden.pk))
    response = post(client, multipart(xml), auth)
    assert response.status_code == 422 and "Support inconnu" in message(response)


def test_truncated_multipart_is_refused_and_nothing_saved(client, setup, auth):
    xml, _ = instance_xml(setup)
    body = multipart(xml, [("1701.jpg", "image/jpeg", jpeg_bytes())])
    cut = body[: len(body) - 400]  # le réseau a coupé au milieu de la photo
    response = post(client, cut, auth)
    assert response.status_code == 400, response.content
    assert "incomplet" in message(response) or "interrompu" in message(response)
    assert Screening.objects.count() == 0 and ScreeningAttachment.objects.count() == 0
    cut_xml = body[: body.index(b"</people>")]  # coupé dans la fiche elle-même
    response = post(client, cut_xml, auth)
    assert response.status_code == 400
    assert Screening.objects.count() == 0


def test_attachment_that_is_not_an_image_is_refused(client, setup, auth):
    xml, _ = instance_xml(setup)
    response = post(client, multipart(xml, [("photo.jpg", "image/jpeg", b"<html><script>alert(1)</script></html>" * 4)]), auth)
    assert response.status_code == 400 and "HTML" in message(response)
    assert Screening.objects.count() == 0


def test_unreadable_instance_and_missing_file(client, setup, auth):
    response = post(client, multipart(b"<data id='paroles-projection'><partner>"), auth)
    assert response.status_code == 400 and "Fiche illisible" in message(response)
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"autre\"\r\n\r\nx\r\n--{BOUNDARY}--\r\n").encode()
    response = post(client, body, auth)
    assert response.status_code == 400 and "xml_submission_file" in message(response)


def test_too_large_submission_is_refused_before_reading(client, setup, auth, settings):
    settings.PAROLES_ODK_MAX_SUBMISSION_SIZE = 1000
    xml, _ = instance_xml(setup)
    response = post(client, multipart(xml, [("1701.jpg", "image/jpeg", jpeg_bytes())]), auth)
    assert response.status_code == 413 and response["X-OpenRosa-Accept-Content-Length"] == "1000"


def test_attachments_are_served_only_to_the_organisation(client, setup, auth):
    xml, _ = instance_xml(setup)
    photo = jpeg_bytes()
    post(client, multipart(xml, [("1701.jpg", "image/jpeg", photo)]), auth)
    item = ScreeningAttachment.objects.get()
    url = item.get_serve_url()
    assert client.get(url).status_code == 404  # anonyme
    outsider = UserFactory(username="autre_asso")
    PartnerFactory(name="Autre").users.add(outsider)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(setup["facilitator"])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == photo
    assert response["X-Content-Type-Options"] == "nosniff"
