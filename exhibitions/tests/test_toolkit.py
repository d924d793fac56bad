"""Boîte à outils : téléchargements décidés par le consentement et l'organisation, journalisés ; zip diffusé."""

import io
import zipfile

import pytest

from consent.testing import withdraw_all
from media_library.models import ServedFile, WorkKind
from media_library.tests.factories import PartnerFactory, UserFactory

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tmp_path, django_capture_on_commit_callbacks):
    aracem, ame = PartnerFactory(name="ARACEM"), PartnerFactory(name="AME")
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    aracem.users.add(alice)
    ame.users.add(bob)
    # Les rendus sont faits (les partenaires reçoivent des rendus, jamais l'original).
    with django_capture_on_commit_callbacks(execute=True):
        capsule = f.work_with_file(tmp_path, kind=WorkKind.CAPSULE, title="Capsule règles",
                                   channels=["facilitator_download"])
    with django_capture_on_commit_callbacks(execute=True):
        podcast = f.work_with_file(tmp_path, kind=WorkKind.PODCAST, title="Paroles de femmes",
                                   channels=["facilitator_download"], pseudonym="Mariam")
    with django_capture_on_commit_callbacks(execute=True):
        secret = f.work_with_file(tmp_path, kind=WorkKind.CAPSULE, title="Capsule retirée",
                                  channels=["facilitator_download"], pseudonym="Kadi")
    page = f.toolkit([(capsule, [aracem]), (podcast, []), (secret, [])])
    return {"page": page, "alice": alice, "bob": bob, "capsule": capsule, "podcast": podcast, "secret": secret,
            "aracem": aracem}


def url(page, material, what, lang=""):
    return page.url + f"support/{material.pk}/{what}/" + (f"{lang}/" if lang else "")


def test_single_download_logged_and_refused_to_other_org(setup, client):
    page, capsule = setup["page"], setup["capsule"]
    material = page.materials.get(work=capsule)
    client.force_login(setup["alice"])
    response = client.get(url(page, material, "phone"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[4:8] == b"ftyp"
    assert "attachment" in response["Content-Disposition"]
    log = ServedFile.objects.filter(user=setup["alice"], work=capsule, allowed=True).latest("created_at")
    assert log.channel == "facilitator_download" and log.purpose.startswith("boite:phone")
    client.force_login(setup["bob"])
    refused = client.get(url(page, material, "phone"))
    # Bob peut savoir que l'œuvre existe (la politique la lui montre sur les canaux des partenaires) : il
    # apprend la raison, qui est une liste de diffusion et non un consentement.
    from consent.policy import policy

    assert policy.may_know(setup["bob"], capsule)
    assert refused.status_code == 403
    assert "pas destiné à votre organisation" in refused.content.decode()
    assert ServedFile.objects.filter(user=setup["bob"], work=capsule, allowed=False).exists()
    # Une responsable du consentement, elle, apprend la raison.
    from consent.testing import CONSENT_OFFICER, user_with_role

    client.force_login(user_with_role("responsable", CONSENT_OFFICER))
    explained = client.get(url(page, material, "phone"))
    if explained.status_code == 403:
        assert "organisation" in explained.content.decode()
    else:
        assert explained.status_code == 200


def test_anonymous_is_sent_to_login(setup, client):
    material = setup["page"].materials.first()
    response = client.get(url(setup["page"], material, "guide"))
    assert response.status_code == 302 and "/animateurs/connexion/" in response["Location"]


def test_guide_pdf(setup, client):
    page = setup["page"]
    material = page.materials.get(work=setup["podcast"])
    client.force_login(setup["bob"])
    response = client.get(url(page, material, "guide"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    import pypdfium2

    text = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
    assert "Paroles de femmes" in text and "Message 1" in text


def test_withdrawn_work_refused(setup, client):
    page, secret = setup["page"], setup["secret"]
    withdraw_all(secret.participations.first().participant)
    material = page.materials.get(work=secret)
    client.force_login(setup["alice"])
    assert client.get(url(page, material, "phone")).status_code == 404
    html = client.get(page.url).content.decode()
    assert "Capsule retirée" not in html


def read_zip(response):
    data = b"".join(response.streaming_content)
    assert len(data) == int(response["Content-Length"])
    return data


def test_zip_contains_only_allowed_files_and_is_resumable(setup, client):
    page = setup["page"]
    withdraw_all(setup["secret"].participations.first().participant)
    client.force_login(setup["bob"])  # AME : pas la capsule réservée à ARACEM
    before = ServedFile.objects.filter(user=setup["bob"]).count()
    response = client.get(page.url + "telecharger-tout/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = read_zip(response)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert "index.html" in names
    assert any("paroles-de-femmes" in n and n.endswith((".m4a", ".mp3", ".mp4")) for n in names)
    assert any(n.endswith("-guide.pdf") for n in names)
    assert not any("capsule-regles" in n for n in names)  # autre organisation
    assert not any("capsule-retiree" in n for n in names)  # consentement retiré
    index = archive.read("index.html").decode()
    assert "Paroles de femmes" in index and "Capsule" not in index
    for n in names:
        if n != "index.html":
            assert n in index  # chaque fichier est joignable hors ligne
    logged = ServedFile.objects.filter(user=setup["bob"], purpose__startswith="zip:")
    assert logged.count() == len(names) - 1
    assert ServedFile.objects.filter(user=setup["bob"]).count() == before + len(names) - 1

    # Reprise : même ETag, la suite des octets est identique.
    etag = response["ETag"]
    again = client.get(page.url + "telecharger-tout/", HTTP_RANGE="bytes=100-", HTTP_IF_RANGE=etag)
    assert again.status_code == 206
    assert again["Content-Range"] == f"bytes 100-{len(data) - 1}/{len(data)}"
    assert b"".join(again.streaming_content) == data[100:]
    # Un ETag périmé (contenu changé) renvoie tout le fichier.
    stale = client.get(page.url + "telecharger-tout/", HTTP_RANGE="bytes=100-", HTTP_IF_RANGE='"autre"')
    assert stale.status_code == 200


def test_zip_goes_through_the_one_byte_sender(setup, client):
    """Le zip est servi par le même envoi que la porte : suffixe, If-Range, HEAD, 416, 304, en-têtes."""
    page = setup["page"]
    client.force_login(setup["bob"])
    zip_url = page.url + "telecharger-tout/"
    full = client.get(zip_url)
    data = read_zip(full)
    size, etag = len(data), full["ETag"]
    assert full["X-Content-Type-Options"] == "nosniff" and full["Cache-Control"] == "private, no-store"
    assert "sandbox" in full["Content-Security-Policy"]
    assert full["Content-Disposition"].startswith('attachment; filename="boite-a-outils-')
    # Suffixe : les 500 derniers octets.
    tail = client.get(zip_url, HTTP_RANGE="bytes=-500")
    assert tail.status_code == 206 and tail["Content-Range"] == f"bytes {size - 500}-{size - 1}/{size}"
    assert b"".join(tail.streaming_content) == data[-500:]
    # Les 22 derniers (fin de l'annuaire central, sans données de fichier) : aucun téléchargement journalisé.
    before = ServedFile.objects.filter(user=setup["bob"]).count()
    end = client.get(zip_url, HTTP_RANGE="bytes=-22")
    assert end.status_code == 206 and b"".join(end.streaming_content) == data[-22:]
    assert data[-22:].startswith(b"PK\x05\x06")
    assert ServedFile.objects.filter(user=setup["bob"]).count() == before
    # If-Range fort : la plage ; sinon tout.
    part = client.get(zip_url, HTTP_RANGE="bytes=0-99", HTTP_IF_RANGE=etag)
    assert part.status_code == 206 and b"".join(part.streaming_content) == data[:100]
    # HEAD : les mêmes en-têtes, aucun octet, aucun journal.
    head = client.head(zip_url)
    assert head.status_code == 200 and head["Content-Length"] == str(size) and head["ETag"] == etag
    assert head.content == b""
    head = client.head(zip_url, HTTP_RANGE="bytes=-10")
    assert head.status_code == 206 and head["Content-Length"] == "10"
    # Hors du fichier : 416.
    for header in (f"bytes={size}-", "bytes=-0"):
        r = client.get(zip_url, HTTP_RANGE=header)
        assert r.status_code == 416 and r["Content-Range"] == f"bytes */{size}"
    assert client.get(zip_url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # Seules les premières octets (index.html, sans support) et la fin sont partis : rien à journaliser.
    assert ServedFile.objects.filter(user=setup["bob"]).count() == before


def test_zip_requires_login(setup, client):
    response = client.get(setup["page"].url + "telecharger-tout/")
    assert response.status_code == 302


def test_zipstream_zip64_and_streaming(tmp_path):
    from exhibitions.zipstream import ZipEntry, ZipPlan

    big = tmp_path / "a.bin"
    big.write_bytes(b"x" * 300_000)
    plan = ZipPlan([ZipEntry("a.bin", 300_000, path=str(big)), ZipEntry("b/é.txt", 3, data=b"abc")])
    chunks = list(plan.iter_bytes())
    assert max(len(c) for c in chunks) <= 256 * 1024  # jamais tout en mémoire
    data = b"".join(chunks)
    assert len(data) == plan.size
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.read("b/é.txt") == b"abc" and z.testzip() is None
    z64 = ZipPlan([ZipEntry("a.bin", 300_000, path=str(big)), ZipEntry("c.txt", 2, data=b"ok")], force_zip64=True)
    data64 = b"".join(z64.iter_bytes())
    assert len(data64) == z64.size
    z = zipfile.ZipFile(io.BytesIO(data64))
    assert z.read("c.txt") == b"ok" and z.testzip() is None
    # Une plage au milieu donne exactement les mêmes octets.
    assert b"".join(z64.iter_bytes(1000, 5000)) == data64[1000:5001]


def test_partners_never_get_the_original(tmp_path, client):
    """Sans rendu prêt, la boîte à outils ne sert pas l'original à sa place (il garde ses métadonnées)."""
    aracem = PartnerFactory(name="ARACEM")
    alice = UserFactory(username="alice")
    aracem.users.add(alice)
    raw = f.work_with_file(tmp_path, kind=WorkKind.CAPSULE, title="Capsule brute", channels=["facilitator_download"])
    page = f.toolkit([(raw, [])])
    material = page.materials.get(work=raw)
    client.force_login(alice)
    assert client.get(url(page, material, "phone")).status_code == 404
    response = client.get(page.url + "telecharger-tout/")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert not any(n.endswith(".mp4") for n in names) and any(n.endswith("-guide.pdf") for n in names)
