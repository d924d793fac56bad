"""Les originaux n'atteignent jamais le public : chaque surface publique sert des rendus SANS métadonnées.

Une photo de téléphone géolocalisée (EXIF GPS, marque et modèle de l'appareil, XMP avec un nom, commentaire)
et une vidéo étiquetée (titre, artiste, lieu ISO 6709, commentaire) sont servies sur TOUTES les surfaces
publiques : page de l'œuvre, liste, accueil, exposition en ligne, page d'écoute du musée, lien presse,
zip de la boîte à outils, extrait d'un chapitre. Chaque octet servi est relu (Pillow, PyAV) et fouillé :
aucune de ces métadonnées n'y reste. L'original, lui, n'est servi qu'à l'équipe sur l'archive interne.
"""

import hashlib
import io
import re
import zipfile

import av
import pytest
from django.test import Client
from PIL import Image

from media_library import testing
from media_library.models import Rendition

pytestmark = pytest.mark.django_db

NAME = "Aminata Traoré"
SECRETS = [b"Samsung", b"Galaxy A12", b"Aminata", b"Traor", b"+12.6", b"Faladi", b"GPS"]
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Aminata Traoré</dc:creator>'
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def make_geotagged_photo(path):
    """Une photo « de téléphone » : EXIF GPS (Faladié), Make/Model, orientation 6 (à tourner), XMP, commentaire."""
    img = Image.new("RGB", (640, 480), (30, 120, 200))
    img.paste((240, 200, 20), (0, 0, 320, 60))  # un repère en haut à gauche
    exif = Image.Exif()
    exif[0x010F] = "Samsung"
    exif[0x0110] = "Galaxy A12"
    exif[0x0112] = 6  # tourner de 90° : le téléphone était tenu debout
    exif[0x013B] = NAME  # Artist
    exif.get_ifd(0x8825).update({1: "N", 2: (12.0, 36.0, 0.0), 3: "W", 4: (8.0, 0.0, 0.0)})
    img.save(path, "JPEG", exif=exif.tobytes(), xmp=XMP.encode(), comment="Faladié, Aminata")
    check = Image.open(path)
    assert check.getexif()[0x010F] == "Samsung" and check.getexif().get_ifd(0x8825)[1] == "N"
    return path


def make_tagged_video(path, tmp):
    raw = testing.make_video(tmp / "brut.mp4", seconds=4)
    testing.run_ffmpeg("-i", raw, "-c", "copy", "-metadata", f"title={NAME} à Faladié", "-metadata",
                       f"artist={NAME}", "-metadata", "location=+12.6-008.0/", "-metadata",
                       "comment=Samsung Galaxy A12", "-movflags", "+faststart", path)
    with av.open(str(path)) as container:
        assert container.metadata.get("artist") == NAME and "location" in container.metadata
    return path


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_clean(data, where, *, original_shas):
    assert data, where
    assert hashlib.sha256(data).hexdigest() not in original_shas, f"original servi : {where}"
    for secret in SECRETS:
        assert secret not in data, f"{secret!r} dans {where}"
    if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
        with Image.open(io.BytesIO(data)) as img:
            assert not img.getexif(), where
            for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "photoshop"):
                assert not img.info.get(key), (key, where)
            # Seul commentaire toléré : le nom de l'encodeur de ffmpeg (« Lavc… »), rien sur la personne.
            assert not img.info.get("comment") or img.info["comment"].startswith(b"Lavc"), where
    elif data[4:8] == b"ftyp":
        with av.open(io.BytesIO(data)) as container:
            tags = dict(container.metadata)
            for stream in container.streams:
                tags.update({f"{stream.type}:{k}": v for k, v in stream.metadata.items()})
            for key in ("title", "artist", "location", "comment", "location-eng"):
                assert key not in tags, (key, where, tags)
            assert not any("Aminata" in str(v) or "+12.6" in str(v) for v in tags.values()), (where, tags)


FILE_URL = re.compile(r'(?:src|href|poster)="(/fichiers/[^"]+)"')


def file_urls(html):
    return {u.replace("&amp;", "&") for u in FILE_URL.findall(html)}


@pytest.fixture
def public_works(project, tmp_path, django_capture_on_commit_callbacks):
    from media_library.flows.ingest import ingest_file
    from consent.models import NoIdentifiablePersonDeclaration
    from media_library.tests.factories import WorkFactory

    def make_public(work):
        NoIdentifiablePersonDeclaration.objects.create(work=work, note="tests")
        return work

    photo_work = make_public(WorkFactory(project=project, title_fr="Photo Voice géolocalisée", kind="photovoice"))
    video_work = make_public(WorkFactory(project=project, title_fr="Capsule étiquetée", kind="capsule"))
    with django_capture_on_commit_callbacks(execute=True):
        photo = ingest_file(photo_work, make_geotagged_photo(tmp_path / "IMG_20231104.jpg"))
    with django_capture_on_commit_callbacks(execute=True):
        video = ingest_file(video_work, make_tagged_video(tmp_path / "VID_20231104.mp4", tmp_path))
    photo.refresh_from_db()
    video.refresh_from_db()
    assert video.renditions.filter(kind="web").exists() and photo.image_id
    return {"photo": photo, "video": video, "shas": {photo.sha256, video.sha256}}


def test_no_public_surface_serves_metadata(public_works, admin_user):
    from exhibitions.consent_surfaces import _page, setup_exhibitions

    client = Client()  # le public : anonyme
    admin_client = Client()
    admin_client.force_login(admin_user)

    photo, video, shas = public_works["photo"], public_works["video"], public_works["shas"]
    pages = [photo.work.get_absolute_url(), video.work.get_absolute_url(), "/archives/", "/"]
    for work in (photo.work, video.work):
        setup_exhibitions(work)
        pages.append(_page("online", work).url)
        pages.append(f"/expositions/ecouter/{_page('museum', work).pk}/{work.pk}/")
        pages.append(testing.release_link(work, "press_social").get_absolute_url())
    served = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for url in file_urls(response.content.decode()):
            served[url] = page
    kinds = {url.split("/")[2] for url in served}
    assert {"image", "rendu"} <= kinds, served
    assert any("museum" in u or "acces=" in u for u in served)  # le musée et la presse ont leurs adresses
    checked = 0
    for url, page in sorted(served.items()):
        response = client.get(url)
        if response.status_code == 404 and "/original/" in url:
            continue  # un original n'est jamais servi au public (vérifié plus bas)
        assert response.status_code == 200, (url, page)
        assert_clean(body(response), f"{url} (depuis {page})", original_shas=shas)
        checked += 1
    assert checked >= 8, served
    # La photo garde son orientation : le téléphone était tenu debout (portrait), le repère est en haut à droite.
    large = photo.image.get_rendition("max-2400x2400|format-jpeg|jpegquality-88")
    with Image.open(io.BytesIO(body(client.get(large.get_serve_url("website"))))) as img:
        assert img.height > img.width
        assert img.getpixel((img.width - 10, 10))[0] > 150 and img.getpixel((10, 10))[2] > 150

    # L'original : jamais au public, quel que soit le canal de l'adresse ; à l'équipe sur l'archive interne.
    for media in (photo, video):
        for channel in ("website", "museum", "facilitator_download", "internal"):
            url = testing.surface_url(media, media.work, channel)
            assert client.get(url).status_code == 404, url
        internal = admin_client.get(media.get_serve_url("internal"))
        assert internal.status_code == 200 and hashlib.sha256(body(internal)).hexdigest() == media.sha256


def test_toolkit_zip_and_clip_carry_no_metadata(public_works, django_capture_on_commit_callbacks):
    from exhibitions.consent_surfaces import setup_exhibitions
    from exhibitions.models import ToolkitPage
    from media_library.models import Chapter
    from media_library.flows.request_clip import request_clip
    from media_library.tests.factories import PartnerFactory, UserFactory

    photo, video, shas = public_works["photo"], public_works["video"], public_works["shas"]
    for work in (photo.work, video.work):
        setup_exhibitions(work)
    facilitator = UserFactory(username="animatrice-meta")
    PartnerFactory(name="Association d'essai", acronym="AE").users.add(facilitator)
    client = Client()
    client.force_login(facilitator)
    toolkit = ToolkitPage.objects.get(slug="matrice-boite")
    response = client.get(toolkit.url + "telecharger-tout/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    media_names = [n for n in archive.namelist() if n.rsplit(".", 1)[-1] in ("mp4", "m4a", "mp3", "jpg", "png")]
    assert media_names, archive.namelist()
    for name in media_names:
        assert_clean(archive.read(name), f"zip:{name}", original_shas=shas)

    chapter = Chapter.objects.create(work=video.work, media_file=video, start=0.5, end=2.5, title_fr="Le départ")
    with django_capture_on_commit_callbacks(execute=True):
        request_clip(chapter)
    clips = Rendition.objects.filter(chapter=chapter)
    assert clips.exists()
    anonymous = Client()
    for clip in clips:
        response = anonymous.get(clip.get_serve_url("website"))
        assert response.status_code == 200
        assert_clean(body(response), f"extrait {clip.kind}", original_shas=shas)


def make_tagged_pdf(path, tmp):
    """Un PDF « de téléphone » : Info (auteur, créateur, producteur), XMP du catalogue avec un nom et une
    position GPS, XMP et données d'application sur la page, une annotation signée d'un nom."""
    import pikepdf

    raw = testing.make_pdf(tmp / "brut.pdf", title="Carte du quartier", pages=2)
    with pikepdf.open(raw) as pdf:
        pdf.docinfo["/Author"] = NAME
        pdf.docinfo["/Creator"] = "Samsung Galaxy A12 Notes"
        pdf.docinfo["/Producer"] = "Samsung PDF (Faladié)"
        gps = ('<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="12,36.0N" '
               'exif:GPSLongitude="8,0.0W"/></rdf:RDF>')
        pdf.Root["/Metadata"] = pdf.make_stream(XMP.replace("</rdf:RDF>", gps).encode(),
                                                Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        page = pdf.pages[0].obj
        page["/Metadata"] = pdf.make_stream(XMP.encode())
        page["/PieceInfo"] = pikepdf.Dictionary({"/Samsung": pikepdf.Dictionary({"/Private": pikepdf.String(NAME)})})
        page["/Annots"] = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary({
            "/Type": pikepdf.Name.Annot, "/Subtype": pikepdf.Name.Text, "/Rect": [10, 10, 40, 40],
            "/Contents": pikepdf.String("note"), "/T": pikepdf.String(NAME)}))]))
        pdf.save(path)
    data = path.read_bytes()
    assert b"Aminata" in data and b"GPS" in data
    return path


def assert_clean_pdf(data, where, *, original_shas):
    import pikepdf

    assert data[:5] == b"%PDF-", where
    assert_clean(data, where, original_shas=original_shas)  # aucun des secrets, même hors métadonnées
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Info" not in pdf.trailer or not dict(pdf.docinfo), (where, dict(pdf.docinfo))
        assert "/Metadata" not in pdf.Root, where
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                assert "/Metadata" not in obj and "/PieceInfo" not in obj, where
                assert "/T" not in obj or obj.get("/Type") != "/Annot", where
        assert len(pdf.pages) == 2, where  # le document est là, entier


def test_no_public_surface_serves_pdf_metadata(project, tmp_path, django_capture_on_commit_callbacks, admin_user):
    """Un PDF étiqueté (auteur, logiciel, XMP avec position GPS) : chaque surface publique qui le propose
    sert une copie nettoyée, jamais l'original ; l'original reste à l'équipe (archive interne)."""
    from consent.models import NoIdentifiablePersonDeclaration
    from exhibitions.consent_surfaces import _page, setup_exhibitions
    from media_library.flows.ingest import ingest_file
    from media_library.tests.factories import WorkFactory

    work = WorkFactory(project=project, title_fr="Carte parlée du quartier", kind="leaflet")
    NoIdentifiablePersonDeclaration.objects.create(work=work, note="tests")
    with django_capture_on_commit_callbacks(execute=True):
        media = ingest_file(work, make_tagged_pdf(tmp_path / "carte-faladie.pdf", tmp_path))
    media.refresh_from_db()
    clean = media.renditions.get(kind="pdf")
    shas = {media.sha256}

    client = Client()  # le public : anonyme
    setup_exhibitions(work)
    pages = [work.get_absolute_url(), _page("online", work).url, f"/expositions/ecouter/{_page('museum', work).pk}/{work.pk}/",
             testing.release_link(work, "press_social").get_absolute_url()]
    served = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for url in file_urls(response.content.decode()):
            served[url] = page
    pdfs = 0
    for url, page in sorted(served.items()):
        response = client.get(url)
        if response.status_code == 404 and "/original/" in url:
            continue
        assert response.status_code == 200, (url, page)
        data = body(response)
        if data[:5] == b"%PDF-":
            assert_clean_pdf(data, f"{url} (depuis {page})", original_shas=shas)
            pdfs += 1
        else:
            assert_clean(data, f"{url} (depuis {page})", original_shas=shas)
    assert pdfs >= 1, served  # la page de l'œuvre propose la copie nettoyée
    assert clean.get_serve_url("website") in served
    for channel in ("website", "museum", "facilitator_download"):  # (presse : par un lien remis, vérifié plus haut)
        response = client.get(clean.get_serve_url(channel))
        if response.status_code == 200:
            assert_clean_pdf(body(response), f"rendu pdf / {channel}", original_shas=shas)
        assert client.get(testing.surface_url(media, work, channel)).status_code == 404
    admin_client = Client()
    admin_client.force_login(admin_user)
    internal = admin_client.get(media.get_serve_url("internal"))
    assert internal.status_code == 200 and hashlib.sha256(body(internal)).hexdigest() == media.sha256
