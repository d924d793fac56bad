"""Construire le zip de toute une boîte à outils, pour un·e animateur·rice, fichier par fichier décidé.

`build_toolkit_zip(page, user)` renvoie le plan du zip diffusé (`ToolkitZip`), ou None si rien n'est
téléchargeable pour ce compte. Chaque fichier est décidé par la politique (canal « téléchargement par les
animateurs », variante servie) ; jamais d'original. `ToolkitZip.log_sent` journalise (ServedFile) chaque
fichier dont des octets partent. La vue (`views.toolkit.download_zip`) ne fait que l'envoyer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.template.loader import render_to_string

from consent.channels import Channel
from consent.policy import policy
from media_library.signals import file_served

from ..guides import ensure_guide_pdf
from ..zipstream import ZipEntry, ZipPlan
from .toolkit_materials import file_slug, is_original, toolkit_entries

CHANNEL = Channel.FACILITATOR_DOWNLOAD


def _local_path(fieldfile):
    try:
        return fieldfile.storage.path(fieldfile.name)
    except NotImplementedError:
        return None


def zip_entries(page, user):
    """Les fichiers que cette personne peut avoir, chacun décidé par la politique ; et, par support, les
    fichiers inclus (pour la page d'index du zip)."""
    entries = []
    included = []
    for position, entry in enumerate(toolkit_entries(page, user), start=1):
        if not entry.can_download:
            continue
        folder = f"{position:02d}-{file_slug(entry.material.display_title)}"
        files = []
        for download in entry.downloads:
            if is_original(download):
                continue
            if download.what == "guide":
                ensure_guide_pdf(entry.material)
                download.fieldfile = entry.material.guide_pdf
                download.variant = None
                download.size = entry.material.guide_pdf.size
                download.etag = f"guide-{entry.material.guide_hash[:24]}"
            decision = policy.decide(user, entry.work, CHANNEL, variant=download.variant)
            if not decision.allowed or not download.fieldfile:
                continue
            storage = download.fieldfile.storage
            name = download.fieldfile.name
            size = download.size if download.size is not None else storage.size(name)
            path = _local_path(download.fieldfile)
            zentry = ZipEntry(
                name=f"{folder}/{download.filename}",
                size=size,
                mtime=download.mtime or page.last_published_at,
                path=path,
                opener=(lambda s=storage, n=name: s.open(n, "rb")) if path is None else None,
                cache_key=hashlib.sha256(f"{name}:{size}:{download.etag}".encode()).hexdigest(),
                meta={"download": download, "decision": decision, "work": entry.work},
            )
            entries.append(zentry)
            files.append((download, zentry.name))
        if files:
            included.append((entry, files))
    return entries, included


@dataclass
class ToolkitZip:
    plan: ZipPlan
    etag: str
    filename: str

    def log_sent(self, request, byte_range, size):
        """Journal : chaque fichier dont des octets partent dans cette réponse (avant l'envoi : mieux vaut
        compter une copie possible de trop que d'en oublier une, pour les retraits de consentement)."""
        start, end = byte_range or (0, size - 1)
        for zentry in self.plan.entries_in_range(start, end):
            if "download" not in zentry.meta:
                continue
            download = zentry.meta["download"]
            file_served.send(
                sender=type(download.obj), request=request, work=zentry.meta["work"], obj=download.obj,
                channel=CHANNEL, purpose=f"zip:{download.purpose}", decision=zentry.meta["decision"],
                size=zentry.size, byte_range=byte_range,
            )


def build_toolkit_zip(page, user):
    entries, included = zip_entries(page, user)
    if not entries:
        return None
    index_html = render_to_string(
        "exhibitions/toolkit_offline_index.html", {"page": page, "included": included}
    ).encode("utf-8")
    newest = max((e.mtime for e in entries if e.mtime), default=None)
    entries.insert(0, ZipEntry(name="index.html", size=len(index_html), mtime=newest, data=index_html))
    plan = ZipPlan(entries)
    fingerprint = hashlib.sha256()
    for e in entries:
        fingerprint.update(f"{e.name}\0{e.size}\0{e.cache_key}\0{e.mtime}\n".encode())
    fingerprint.update(hashlib.sha256(index_html).digest())
    return ToolkitZip(plan=plan, etag=f'"zip-{fingerprint.hexdigest()[:32]}"',
                      filename=f"boite-a-outils-{file_slug(page.title, 'paroles')}.zip")
