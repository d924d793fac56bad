"""La boîte à outils d'un·e animateur·rice : les supports qu'il·elle voit et ce qu'il·elle peut télécharger.

- `toolkit_entries(page, user)` : les supports de la boîte et, pour chacun, les fichiers que CET·TE
  animateur·rice peut télécharger (organisation destinataire + décision du consentement, variante par
  variante) ; appelé par la page (`toolkit_context`, par `exhibitions.wiring`), le zip
  (`flows.build_toolkit_zip`) et l'API des partenaires ;
- `find_download(material, what, lang)` : un fichier proposé par un support (la porte décide ensuite).

Aucune règle d'accès n'est écrite ici : la politique du consentement décide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _

from consent import epoch
from consent.access import Decision
from consent.channels import Channel
from consent.policy import policy

from .. import integrations


@dataclass
class Download:
    material: object
    what: str  # phone | audio | guide
    lang: str
    label: str
    filename: str
    obj: object = None
    fieldfile: object = None
    content_type: str = ""
    etag: str = ""
    variant: object = None
    size: int | None = None
    mtime: object = None

    @property
    def purpose(self):
        return f"boite:{self.what}" + (f":{self.lang}" if self.lang else "")


@dataclass
class Entry:
    material: object
    work: object
    can_download: bool
    reason: str = ""
    downloads: list = field(default_factory=list)
    decision: Decision | None = None


def user_organisations(user):
    return policy.organisations(user)


def material_is_for(material, user):
    """Le support est-il destiné à l'organisation de l'utilisateur ? (la politique répond)"""
    return policy.material_is_for(material, user)


def file_slug(text, fallback="support"):
    """Le nom de fichier (ou de dossier du zip) tiré d'un titre."""
    from django.utils.text import slugify

    return slugify(text)[:60] or fallback


def is_original(download):
    """Les partenaires reçoivent des rendus sans métadonnées, jamais l'original (archive interne seulement)."""
    from media_library.models import MediaFile

    return isinstance(download.obj, MediaFile)


def material_downloads(material, *, flags=frozenset(), subtitled=None):
    """Les fichiers qu'un support propose (sans décision d'accès : la porte décide à chaque fichier)."""
    from pathlib import PurePath

    from media_library.files import safe_download_name

    work = material.work
    stem = file_slug(material.display_title)
    out = []
    media = integrations.playable(work)
    subtitled = subtitled if subtitled is not None else integrations.subtitled_phone_versions([work])
    if media is not None and media.media_type == "video":
        langs = {"fr": _("Version téléphone, sous-titres français incrustés"),
                 "bm": _("Version téléphone, sous-titres bambara incrustés")}
        found = False
        for lang, label in langs.items():
            r = subtitled.get((work.pk, lang))
            if r is not None and policy.admits_flags(flags, r):
                found = True
                out.append(Download(material, "phone", lang, label, safe_download_name(f"{stem}-telephone-{lang}.mp4"),
                                    obj=r, fieldfile=r.file, content_type="video/mp4",
                                    etag=f"sub-{r.pk}-{r.size or 0}", variant=r, size=r.size, mtime=r.created_at))
        if not found:
            phone = integrations.rendition(media, "phone", flags)
            if phone is not None:
                out.append(Download(material, "phone", "", _("Version téléphone (sans sous-titres incrustés)"),
                                    safe_download_name(f"{stem}-telephone{PurePath(phone.file.name).suffix}"),
                                    obj=phone, fieldfile=phone.file, content_type=phone.mime_type,
                                    etag=f"rend-{phone.uuid}", variant=phone, size=phone.size, mtime=phone.created_at))
            elif policy.admits_flags(flags, media):
                out.append(Download(material, "phone", "", _("Vidéo originale (version téléphone pas encore prête)"),
                                    safe_download_name(f"{stem}{PurePath(media.file.name).suffix}"),
                                    obj=media, fieldfile=media.file, content_type=media.mime_type,
                                    etag=media.sha256, variant=media, size=media.size, mtime=media.uploaded_at))
    if media is not None:
        audio = integrations.rendition(media, "audio", flags)
        if audio is None and media.media_type == "audio":
            # Un son n'a pas de rendu « audio seul » : sa version téléphone (ou web) en tient lieu — jamais
            # l'original, qui garde ses métadonnées (la vue de téléchargement le refuse).
            audio = integrations.rendition(media, "phone", flags) or integrations.rendition(media, "web", flags)
        if audio is not None:
            out.append(Download(material, "audio", "", _("Audio seul"),
                                safe_download_name(f"{stem}-audio{PurePath(audio.file.name).suffix}"),
                                obj=audio, fieldfile=audio.file, content_type=audio.mime_type,
                                etag=f"rend-{audio.uuid}", variant=audio, size=audio.size, mtime=audio.created_at))
        elif media.media_type == "audio" and policy.admits_flags(flags, media):
            out.append(Download(material, "audio", "", _("Audio"),
                                safe_download_name(f"{stem}{PurePath(media.file.name).suffix}"),
                                obj=media, fieldfile=media.file, content_type=media.mime_type,
                                etag=media.sha256, variant=media, size=media.size, mtime=media.uploaded_at))
    out.append(Download(material, "guide", "", _("Guide de discussion (PDF)"),
                        safe_download_name(f"{stem}-guide.pdf"), obj=material, content_type="application/pdf"))
    return out


def find_download(material, what, lang=""):
    for d in material_downloads(material):
        if d.what == what and d.lang == (lang or ""):
            return d
    return None


def _materials_with_organisations(page):
    """Les supports de la page (avec leur œuvre) et leurs organisations destinataires en UNE requête (jointure
    externe : une ligne par organisation, ou une sans) au lieu de deux (`prefetch_related`) ; chaque support
    reçoit ses organisations comme un préchargement (`material.organisations.all()` ne relit pas la base)."""
    from django.db import DEFAULT_DB_ALIAS
    from django.db.models import F

    from media_library.models import PartnerOrganisation

    names = [f.attname for f in PartnerOrganisation._meta.concrete_fields]
    rows = (page.materials.select_related("work")
            .annotate(**{f"_org_{name}": F(f"organisations__{name}") for name in names})
            .order_by("sort_order", "pk", "organisations__name", "organisations__pk"))
    materials, organisations = {}, {}
    for row in rows:
        material = materials.setdefault(row.pk, row)
        found = organisations.setdefault(row.pk, [])
        values = [getattr(row, f"_org_{name}") for name in names]
        if values[names.index("id")] is not None:
            found.append(PartnerOrganisation.from_db(DEFAULT_DB_ALIAS, names, values))
    for pk, material in materials.items():
        cached = PartnerOrganisation.objects.filter(pk__in=[o.pk for o in organisations[pk]])
        cached._result_cache, cached._prefetch_done = organisations[pk], True
        material._prefetched_objects_cache = {"organisations": cached}
    return list(materials.values())


def toolkit_entries(page, user):
    """Les supports que cet·te utilisateur·rice peut voir, et pour chacun ce qu'il·elle peut télécharger."""
    def load():
        return _materials_with_organisations(page)

    # Les supports de la page publiée (leur enregistrement change l'époque) : gardés sous l'époque ; ce que
    # CETTE personne peut télécharger est décidé ci-dessous, à chaque requête.
    # Un aperçu (supports encore en mémoire, pas en base) est lu tel quel.
    if page.pk is None or "materials" in getattr(page, "_cluster_related_objects", {}):
        materials = load()
    else:
        materials = epoch.memo(("supports", page.pk, page.latest_revision_id), load)
    # Les œuvres viennent avec les supports (même lecture) : seuls leurs fichiers et rendus sont lus en plus.
    works = integrations.works_with_files([m.work for m in materials])
    for m in materials:
        if m.work_id in works:
            m.work = works[m.work_id]
    alive = [m for m in materials if m.work_id in works]
    # Les deux canaux en une seule lecture des faits du consentement (pas une par canal).
    decisions = integrations.decide_many_channels(
        user, [m.work for m in alive], (Channel.FACILITATOR_DOWNLOAD, Channel.WEBSITE))
    download, public = decisions[Channel.FACILITATOR_DOWNLOAD], decisions[Channel.WEBSITE]
    subtitled = integrations.subtitled_phone_versions([m.work for m in alive])
    entries = []
    for m in alive:
        d = download.get(m.work_id)
        eligible = material_is_for(m, user)
        if d is not None and d.allowed and eligible:
            flags = frozenset(getattr(d, "required_variant_flags", ()) or ())
            entries.append(Entry(m, m.work, True, downloads=material_downloads(m, flags=flags, subtitled=subtitled),
                                 decision=d))
        elif (d is not None and d.allowed) or (public.get(m.work_id) and public[m.work_id].allowed):
            if not getattr(user, "is_authenticated", False):
                reason = _("Connectez-vous avec votre compte d'animateur·rice pour télécharger.")
            elif not eligible:
                reason = _("Ce support n'est pas destiné à votre organisation.")
            else:
                reason = str(d.reason) if d is not None else ""
            entries.append(Entry(m, m.work, False, reason=reason, decision=public.get(m.work_id)))
        # Sinon : ni téléchargeable ni public pour cette personne → invisible.
    return entries


def toolkit_context(page, request):
    user = getattr(request, "user", None) or AnonymousUser()
    entries = toolkit_entries(page, user)
    return {
        "entries": entries,
        "downloadable": [e for e in entries if e.can_download],
        "is_facilitator": bool(user_organisations(user)),
        "now": timezone.now(),
    }
