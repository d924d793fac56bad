"""Cartels et catalogue : vrai PDF, textes FR et BM, QR code vers l'écoute, seulement les œuvres autorisées au musée."""

import pypdfium2
import pytest

from media_library.models import WorkKind

from . import factories as f

pytestmark = pytest.mark.django_db


def pdf_text(data):
    doc = pypdfium2.PdfDocument(data)
    return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_labels_only_museum_works_with_qr(tmp_path, admin_client):
    museum = f.work_with_file(tmp_path, kind=WorkKind.PHOTOVOICE, title="Le puits", channels=["museum"],
                              words_verbatim="moi je porte leau le matin", words_bm="Ne bɛ ji ta sɔgɔma")
    web = f.work_with_file(tmp_path, title="Carte du site web", channels=["website"], pseudonym="Kadi")
    page = f.exhibition([museum, web], kind="museum")
    response = admin_client.get(f"/admin/expositions/{page.pk}/cartels.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Le puits" in text and "moi je porte leau le matin" in text
    assert "Ne bɛ ji ta sɔgɔma" in text  # bambara : police Unicode
    assert "Awa" in text  # pseudonyme de l'autrice (consentement)
    assert "Carte du site web" not in text
    catalogue = admin_client.get(f"/admin/expositions/{page.pk}/catalogue.pdf")
    assert catalogue.status_code == 200 and "Le puits" in pdf_text(catalogue.content)


def test_labels_refused_to_non_staff(tmp_path, client):
    from media_library.tests.factories import UserFactory

    work = f.work_with_file(tmp_path, title="Carte")
    page = f.exhibition([work], kind="museum")
    client.force_login(UserFactory())
    response = client.get(f"/admin/expositions/{page.pk}/cartels.pdf")
    assert response.status_code in (302, 403)


def test_qr_encodes_listen_url():
    from exhibitions.pdf import qr_drawing

    drawing = qr_drawing("http://localhost/expositions/ecouter/1/2/", 100)
    assert len(drawing.contents) > 50  # des modules noirs, vectoriels
