"""Quelles notices existent pour le moissonneur, et leur état, à l'instant de la requête."""

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from consent.channels import Channel
from consent.policy import policy
from media_library.models import Work

from ..models import OaiRecord

CHANNEL = Channel.WEBSITE


def visible_now():
    return policy.visible(AnonymousUser(), CHANNEL, Work.objects.all())


def sync_records(now=None):
    """Met la table des notices d'accord avec ce que le public peut voir maintenant.

    Un consentement peut expirer sans qu'aucune écriture ne le signale : la synchronisation a lieu à
    chaque requête (nombre borné de requêtes : la fonction d'accès en lot, puis les écritures).
    Renvoie {numéro d'œuvre: œuvre} des œuvres visibles.
    """
    now = now or timezone.now()
    works = {w.pk: w for w in visible_now().only("pk", "updated_at")}
    with transaction.atomic():
        records = {r.work_id: r for r in OaiRecord.objects.select_for_update()}
        created, changed = [], []
        for pk, work in works.items():
            record = records.get(pk)
            if record is None:
                created.append(OaiRecord(work_id=pk, datestamp=now, first_exposed_at=now))
            elif record.deleted:
                record.deleted, record.datestamp = False, now
                changed.append(record)
            elif work.updated_at > record.datestamp:
                record.datestamp = work.updated_at
                changed.append(record)
        for pk, record in records.items():
            if pk not in works and not record.deleted:
                record.deleted, record.datestamp = True, now
                changed.append(record)
        if created:
            OaiRecord.objects.bulk_create(created, ignore_conflicts=True)
        if changed:
            OaiRecord.objects.bulk_update(changed, ["deleted", "datestamp"])
    return works
