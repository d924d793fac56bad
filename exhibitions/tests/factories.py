"""Fabriques des tests des expositions : pages Wagtail, œuvres avec de vrais fichiers, supports."""

import datetime
import shutil

from django.core.files import File
from wagtail.models import Page, Site

from consent.testing import grant, make_participant
from media_library import testing
from media_library.models import ArchiveImage, WorkKind
from media_library.flows.ingest import ingest_file
from media_library.tests.factories import WorkFactory

from ..models import ExhibitionIndexPage, ExhibitionPage, HomePage, ToolkitMaterial, ToolkitPage


def home():
    existing = HomePage.objects.first()
    if existing:
        return existing
    root = Page.get_first_root_node()
    page = root.add_child(instance=HomePage(title="Paroles", slug="accueil-paroles"))
    site = Site.objects.filter(is_default_site=True).first()
    if site:
        site.root_page = page
        site.save()
    else:
        Site.objects.create(hostname="localhost", root_page=page, is_default_site=True)
    return page


def index_page():
    existing = ExhibitionIndexPage.objects.first()
    if existing:
        return existing
    return home().add_child(instance=ExhibitionIndexPage(title="Expositions", slug="expositions"))


def attach_image(media):
    """L'image Wagtail d'un original image (copie du fichier : l'original n'est jamais partagé)."""
    if media.image_id:
        return media.image
    with media.file.open("rb") as fh:
        image = ArchiveImage(title=media.original_filename, width=media.width or 0, height=media.height or 0)
        image.file.save(media.original_filename, File(fh), save=False)
    image.save()
    media.image = image
    media.save(update_fields=["image"])
    return image


def work_with_file(tmp_path, kind=WorkKind.BODY_MAP, channels=("website", "museum", "facilitator_download"),
                   title="Œuvre", partner=None, pseudonym="Awa", **kwargs):
    work = WorkFactory(kind=kind, title_fr=title, partner=partner, **kwargs)
    tmp_path.mkdir(parents=True, exist_ok=True)
    if kind in (WorkKind.CAPSULE, WorkKind.FILM):
        path = testing.make_video(tmp_path / f"v{work.pk}.mp4", seconds=2, freq=400 + work.pk * 10)
    elif kind == WorkKind.PODCAST:
        path = testing.make_audio(tmp_path / f"a{work.pk}.mp3", seconds=2, freq=300 + work.pk)
    else:
        path = testing.make_image(tmp_path / f"i{work.pk}.png", size=(320, 480), color=(work.pk * 7 % 255, 90, 40))
    media = ingest_file(work, path)
    if media.media_type == "image":
        attach_image(media)
    participant = make_participant(pseudonym, partner=partner)
    from consent.models import Participation

    Participation.objects.get_or_create(participant=participant, work=work, role="author")
    if channels:
        grant(work, channels=list(channels), participant=participant)
    return work


def exhibition(works, kind="online", title="Nos corps, nos chemins", publish=False, **kwargs):
    body = []
    content = []
    for w in works:
        if w.kind == WorkKind.BODY_MAP:
            content.append({"type": "body_map", "value": {
                "work": w.pk, "image": None, "alt_fr": f"Body map « {w.title_fr} »", "alt_bm": "",
                "intro_fr": "", "intro_bm": "",
                "details": [{"x": "40", "y": "30", "title_fr": "La tête", "title_bm": "Kun", "text_fr": "Souvenirs.", "text_bm": ""}],
            }})
        elif w.kind == WorkKind.PHOTOVOICE:
            content.append({"type": "photovoice", "value": {
                "work": w.pk, "image": None, "alt_fr": "Photo d'une enfant", "alt_bm": "",
                "words_verbatim": "", "words_bm": ""}})
        else:
            content.append({"type": "work", "value": {
                "work": w.pk, "caption_fr": "", "caption_bm": "", "alt_fr": "", "alt_bm": "",
                "show_chapters": True, "show_transcript": True}})
    content.append({"type": "quote", "value": {"text_fr": "On nous regarde enfin.", "text_bm": "", "attribution": "Awa", "work": None}})
    body.append({"type": "section", "value": {"title_fr": "Salle 1", "title_bm": "So 1", "intro_fr": "", "intro_bm": "",
                                               "content": content}})
    page = ExhibitionPage(title=title, slug=kwargs.pop("slug", None) or f"expo-{ExhibitionPage.objects.count() + 1}",
                          kind=kind, venue="Musée du District de Bamako", start_date=datetime.date(2023, 3, 1),
                          body=body, live=False, **kwargs)
    index_page().add_child(instance=page)
    page.save_revision()
    if publish:
        page.get_latest_revision().publish()
        page.refresh_from_db()
    return page


def toolkit(materials, title="Boîte à outils"):
    page = ToolkitPage(title=title, slug="boite-a-outils")
    home().add_child(instance=page)
    for i, (work, orgs) in enumerate(materials):
        m = ToolkitMaterial(page=page, work=work, sort_order=i, key_messages_fr="Message 1\nMessage 2",
                            opening_questions_fr="Qu'avez-vous vu ?", duration_minutes=45, audience="Femmes",
                            cautions="Ne pas filmer le public", secured_only=(i == 1))
        m.organisations.set(orgs)
        m.save()
    page.save_revision().publish()
    return ToolkitPage.objects.get(pk=page.pk)


def copy_tree(src, dst):
    shutil.copytree(src, dst, dirs_exist_ok=True)
