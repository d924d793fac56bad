"""Cumuls du tableau de bord, tenus exacts à chaque écriture d'une fiche de projection.

Le tableau de bord d'un million de fiches ne relit pas le million : il lit `ScreeningRollup` (un cumul
par jour local × projet × partenaire × canal × région) et `MaterialRollup` (le même, par œuvre montrée).
Ces cumuls bougent par incréments atomiques (`UPDATE … SET n = n + 1`), sûrs sous concurrence :

- `communication.flows.record_screening` (téléphone, API, ODK) appelle `screening_recorded` dans sa
  transaction, après les supports ;
- toute autre écriture passe par les signaux branchés dans `CommunicationConfig.ready()` : une fiche
  modifiée dans l'administration retire son ancienne contribution puis ajoute la nouvelle, une fiche
  supprimée retire la sienne, un support ajouté ou retiré bouge le cumul de son œuvre ;
- un chargement en masse (`bulk_create` : démonstration, banc d'essai) appelle `rebuild()`, qui recompte
  tout en base (quelques secondes pour un million de fiches). `manage.py rebuild_rollups` fait de même.

Un test compare les cumuls à un recomptage complet après une suite d'écritures de toutes sortes.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import COUNT_FIELDS

KEY = ("day", "period_month", "project_id", "partner_id", "channel", "region_id")


def _models(apps=None):
    if apps is None:
        from .models import MaterialRollup, Screening, ScreeningMaterial, ScreeningRollup
    else:
        Screening = apps.get_model("communication", "Screening")
        ScreeningMaterial = apps.get_model("communication", "ScreeningMaterial")
        ScreeningRollup = apps.get_model("communication", "ScreeningRollup")
        MaterialRollup = apps.get_model("communication", "MaterialRollup")
    return Screening, ScreeningMaterial, ScreeningRollup, MaterialRollup


def key_of(screening):
    """La clé de cumul d'une fiche (jour et mois en heure locale, comme les filtres du tableau de bord)."""
    day = timezone.localtime(screening.started_at).date()
    return {"day": day, "period_month": day.replace(day=1), "project_id": screening.project_id,
            "partner_id": screening.partner_id, "channel": screening.channel, "region_id": screening.region_id}


def amounts_of(screening):
    amounts = {"n": 1, "people": screening.people_total or 0, "audience": screening.estimated_audience or 0}
    amounts.update({f: getattr(screening, f) or 0 for f in COUNT_FIELDS})
    return amounts


def _material_amounts(amounts):
    return {k: amounts[k] for k in ("n", "people", "audience")}


def _bump(model, key, amounts, sign):
    """Ajoute (sign=1) ou retire (sign=-1) `amounts` à la ligne `key`, créée au besoin ; vidée, elle disparaît."""
    changes = {f: F(f) + sign * v for f, v in amounts.items() if v}
    if not changes:
        return
    lookup = {k: v for k, v in key.items() if k != "period_month"}
    if model.objects.filter(**lookup).update(**changes):
        if sign < 0:
            model.objects.filter(**lookup, n__lte=0).delete()
        return
    if sign < 0:
        # Rien à retirer : le cumul a été effacé (reconstruction en cours) ; il sera recompté.
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **amounts)
    except IntegrityError:
        # Créée entre-temps par une écriture concurrente : on ajoute à la sienne.
        model.objects.filter(**lookup).update(**changes)


def _works_of(screening_id):
    from .models import ScreeningMaterial

    return set(ScreeningMaterial.objects.filter(screening_id=screening_id).values_list("work_id", flat=True))


def _apply(key, amounts, work_ids, sign):
    from .models import MaterialRollup, ScreeningRollup

    _bump(ScreeningRollup, key, amounts, sign)
    for work_id in sorted(work_ids):
        _bump(MaterialRollup, {**key, "work_id": work_id}, _material_amounts(amounts), sign)


def materials_recorded(screening):
    """Après `bulk_create` des supports d'une fiche (sans signaux) : ajoute leur contribution par œuvre.

    La contribution de la fiche elle-même est ajoutée par le signal de son `save()`."""
    from .models import MaterialRollup

    amounts = _material_amounts(amounts_of(screening))
    key = key_of(screening)
    for work_id in sorted(_works_of(screening.pk)):
        _bump(MaterialRollup, {**key, "work_id": work_id}, amounts, 1)


# --------------------------------------------------------------------------------------------------
# Signaux : toute écriture qui ne passe pas par le flux (administration, suppression, supports).


def _snapshot(screening):
    return key_of(screening), amounts_of(screening)


def on_screening_pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._rollup_old = None
        return
    old = sender.objects.filter(pk=instance.pk).first()
    instance._rollup_old = _snapshot(old) if old is not None else None


def on_screening_post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    old = getattr(instance, "_rollup_old", None)
    works = set() if created else _works_of(instance.pk)
    if old is not None:
        _apply(old[0], old[1], works, -1)
    _apply(key_of(instance), amounts_of(instance), works, 1)


def on_screening_post_delete(sender, instance, **kwargs):
    from .models import ScreeningRollup

    _bump(ScreeningRollup, key_of(instance), amounts_of(instance), -1)


def on_material_post_save(sender, instance, created, raw=False, **kwargs):
    from .models import MaterialRollup

    if raw or not created:
        return
    others = sender.objects.filter(screening_id=instance.screening_id, work_id=instance.work_id).exclude(pk=instance.pk)
    if others.exists():
        return  # l'œuvre comptait déjà pour cette fiche (un autre chapitre)
    screening = instance.screening
    _bump(MaterialRollup, {**key_of(screening), "work_id": instance.work_id}, _material_amounts(amounts_of(screening)), 1)


def on_material_pre_delete(sender, instance, **kwargs):
    # Avant toute suppression du lot, les supports de la même œuvre dans la même fiche (lui compris).
    instance._rollup_pair = set(
        sender.objects.filter(screening_id=instance.screening_id, work_id=instance.work_id).values_list("pk", flat=True)
    )


def on_material_post_delete(sender, instance, **kwargs):
    from .models import MaterialRollup, Screening

    remaining = set(
        sender.objects.filter(screening_id=instance.screening_id, work_id=instance.work_id).values_list("pk", flat=True)
    )
    gone = getattr(instance, "_rollup_pair", {instance.pk}) - remaining
    # L'œuvre ne compte plus pour la fiche quand son dernier support part ; si plusieurs partent d'un coup
    # (suppression en lot ou en cascade), un seul d'entre eux — le plus petit — retire la contribution.
    if remaining or not gone or instance.pk != min(gone):
        return
    # En cascade, les supports partent avant leur fiche : elle est encore en base ici.
    screening = Screening.objects.filter(pk=instance.screening_id).first()
    if screening is None:
        return
    _bump(MaterialRollup, {**key_of(screening), "work_id": instance.work_id}, _material_amounts(amounts_of(screening)), -1)


# --------------------------------------------------------------------------------------------------
# Recomptage complet


def recount(apps=None):
    """({clé: sommes} des fiches, {clé + œuvre: sommes} des supports), recomptés en base depuis les fiches."""
    Screening, ScreeningMaterial, _SR, _MR = _models(apps)
    tz = timezone.get_current_timezone()
    sums = {"n": Count("pk"), "people": Sum("people_total", default=0), "audience": Sum("estimated_audience", default=0),
            **{f: Sum(f, default=0) for f in COUNT_FIELDS}}
    rows = {}
    for row in (Screening.objects.order_by().annotate(d=TruncDate("started_at", tzinfo=tz))
                .values("d", "project_id", "partner_id", "channel", "region_id").annotate(**sums)):
        key = (row["d"], row["project_id"], row["partner_id"], row["channel"], row["region_id"])
        rows[key] = {f: row[f] for f in sums}
    # Une œuvre compte une fois par fiche, même montrée en deux chapitres : paires (fiche, œuvre) distinctes.
    pairs = ScreeningMaterial.objects.order_by().values("screening_id", "work_id").distinct()
    material_rows = {}
    by_screening = (Screening.objects.order_by().filter(pk__in=pairs.values("screening_id"))
                    .annotate(d=TruncDate("started_at", tzinfo=tz)))
    dims = {s["pk"]: s for s in by_screening.values("pk", "d", "project_id", "partner_id", "channel", "region_id",
                                                    "people_total", "estimated_audience")}
    for pair in pairs.iterator(chunk_size=20000):
        s = dims[pair["screening_id"]]
        key = (s["d"], s["project_id"], s["partner_id"], s["channel"], s["region_id"], pair["work_id"])
        acc = material_rows.setdefault(key, {"n": 0, "people": 0, "audience": 0})
        acc["n"] += 1
        acc["people"] += s["people_total"] or 0
        acc["audience"] += s["estimated_audience"] or 0
    return rows, material_rows


def stored(apps=None):
    """Les cumuls tels qu'ils sont en base, sous la même forme que `recount`."""
    _S, _SM, ScreeningRollup, MaterialRollup = _models(apps)
    fields = ["n", "people", "audience", *COUNT_FIELDS]
    rows = {(r["day"], r["project_id"], r["partner_id"], r["channel"], r["region_id"]): {f: r[f] for f in fields}
            for r in ScreeningRollup.objects.values("day", "project_id", "partner_id", "channel", "region_id", *fields)}
    materials = {(r["day"], r["project_id"], r["partner_id"], r["channel"], r["region_id"], r["work_id"]):
                 {f: r[f] for f in ("n", "people", "audience")}
                 for r in MaterialRollup.objects.values("day", "project_id", "partner_id", "channel", "region_id",
                                                        "work_id", "n", "people", "audience")}
    return rows, materials


@transaction.atomic
def rebuild(apps=None):
    """Efface et recompte tous les cumuls (après un chargement en masse). Renvoie (lignes, lignes par support)."""
    _S, _SM, ScreeningRollup, MaterialRollup = _models(apps)
    rows, material_rows = recount(apps)
    ScreeningRollup.objects.all().delete()
    MaterialRollup.objects.all().delete()
    ScreeningRollup.objects.bulk_create(
        [ScreeningRollup(day=k[0], period_month=k[0].replace(day=1), project_id=k[1], partner_id=k[2], channel=k[3],
                         region_id=k[4], **v) for k, v in rows.items()],
        batch_size=2000,
    )
    MaterialRollup.objects.bulk_create(
        [MaterialRollup(day=k[0], period_month=k[0].replace(day=1), project_id=k[1], partner_id=k[2], channel=k[3],
                        region_id=k[4], work_id=k[5], **v) for k, v in material_rows.items()],
        batch_size=2000,
    )
    return len(rows), len(material_rows)
