"""Écrire les œuvres dans un sac BagIt (publication atomique : dossier temporaire, puis renommage)."""

import csv
import io
import json
import shutil
from pathlib import Path, PurePath

import bagit
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from consent.channels import Channel
from consent.policy import policy
from media_library.files import safe_download_name
from media_library.models import Work
from media_library.flows.import_works import ALL_COLUMNS, LIST_SEPARATOR

from ..oai.dc import DC, OAI_DC, XML_LANG, XSI, dublin_core_fields
from .summary import consent_summary

BAG_FORMAT = "paroles-bag/1"


class ExportError(Exception):
    pass


def external_id(work):
    return work.external_id or f"paroles-{work.pk}"


def _file_name(media):
    name = PurePath((media.original_filename or "").replace("\\", "/")).name
    return name if name and not name.startswith(".") else safe_download_name(media.original_filename)


def _row(work, paths):
    return {
        "external_id": external_id(work), "kind": work.kind, "title_fr": work.title_fr,
        "project": work.project.name if work.project_id else "", "title_bm": work.title_bm,
        "description_fr": work.description_fr, "description_bm": work.description_bm,
        "words_verbatim": work.words_verbatim, "words_bm": work.words_bm,
        "series": work.series.name if work.series_id else "",
        "themes": LIST_SEPARATOR.join(t.name for t in work.themes.order_by("name")),
        "partner": work.partner.name if work.partner_id else "",
        "workshop": work.workshop.name if work.workshop_id else "",
        "date_made": work.date_made.isoformat() if work.date_made else work.date_made_text,
        "place_made": work.place_made,
        "languages": LIST_SEPARATOR.join(lang.code for lang in work.spoken_languages.order_by("code")),
        "content_warnings": LIST_SEPARATOR.join(c.name for c in work.content_warnings.order_by("name")),
        "licence": work.licence, "usage_note": work.usage_note,
        "files": LIST_SEPARATOR.join(paths),
    }


def _dublin_core(work):
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    for name, value, lang in dublin_core_fields(work):
        el = etree.SubElement(root, f"{{{DC}}}{name}")
        el.text = value
        if lang:
            el.set(XML_LANG, lang)
    etree.SubElement(root, f"{{{DC}}}identifier").text = external_id(work)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _approved_tracks(work):
    from transcription.models import SubtitleTrack
    from transcription.flows.export_subtitles import export_subtitles

    for track in SubtitleTrack.objects.filter(work=work, status=SubtitleTrack.Status.APPROVED).order_by("language"):
        if track.vtt_file:
            with track.vtt_file.open("rb") as fh:
                yield track.language, fh.read()
        else:
            yield track.language, export_subtitles(track, allow_issues=True).encode("utf-8")


def export_works(dest, *, user, works=None, progress=None):
    """Écrit le sac dans `dest` (qui ne doit pas exister, ou être vide). Renvoie le nombre d'œuvres.

    Le sac est une copie de l'archive interne remise à une autre archive : il ne contient que les œuvres
    que `user` peut obtenir sur le canal « archive interne » maintenant (la fonction d'accès décide ;
    une œuvre retirée n'en sort pas, sauf pour qui la fonction d'accès l'autorise).
    """
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise ExportError(_("Le dossier %(path)s existe et n'est pas vide : choisissez un dossier neuf.") % {"path": dest})
    works = policy.visible(user, Channel.INTERNAL, works if works is not None else Work.objects.all())
    works = list(works.select_related("project", "series", "partner", "workshop")
                 .prefetch_related("themes", "spoken_languages", "content_warnings", "files").order_by("pk"))
    tmp = dest.with_name(f".{dest.name}.en-cours-{timezone.now():%Y%m%d%H%M%S}")
    tmp.mkdir(parents=True)
    try:
        rows = []
        for work in progress(works) if progress else works:
            ext = external_id(work)
            paths = []
            for index, media in enumerate(sorted(work.files.all(), key=lambda m: (m.sort_order, m.pk))):
                rel = f"files/{safe_download_name(ext)}/{index + 1}/{_file_name(media)}"
                target = tmp / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with media.file.open("rb") as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out, 1024 * 1024)
                paths.append(rel)
            rows.append(_row(work, paths))
            for language, data in _approved_tracks(work):
                target = tmp / "subtitles" / safe_download_name(ext) / f"{language}.vtt"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            (tmp / "dublin_core").mkdir(exist_ok=True)
            (tmp / "dublin_core" / f"{safe_download_name(ext)}.xml").write_bytes(_dublin_core(work))
            (tmp / "consent").mkdir(exist_ok=True)
            (tmp / "consent" / f"{safe_download_name(ext)}.json").write_text(
                json.dumps(consent_summary(work), ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=ALL_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        (tmp / "works.csv").write_text(buffer.getvalue(), encoding="utf-8")
        bag = bagit.make_bag(str(tmp), {
            "Source-Organization": settings.WAGTAIL_SITE_NAME,
            "External-Description": _("Œuvres de l'archive Paroles : originaux, sous-titres approuvés, works.csv "
                                      "(colonnes d'import_works), Dublin Core, résumé de consentement par œuvre."),
            "Paroles-Bag-Format": BAG_FORMAT,
            "Bag-Count": "1 of 1",
        }, checksums=["sha256", "sha512"])
        bag.validate()
        if dest.exists():
            dest.rmdir()
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return len(works)
