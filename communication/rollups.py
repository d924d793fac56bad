"""Cumuls du tableau de bord, tenus exacts à chaque écriture d'une fiche de projection.

Le tableau de bord d'un million de fiches ne relit pas le million. Cinq cumuls :

- `ScreeningMonthRollup` (mois local × projet × partenaire × canal × région, quelques milliers de lignes)
  et `MaterialMonthRollup` (mois × projet × partenaire × canal × œuvre montrée) : le tableau de bord les lit
  pour tous les mois entiers de la période ;
- `ScreeningRollup` et `MaterialRollup`, les mêmes au jour (et par région pour les supports) : le tableau de
  bord n'y lit que les jours des mois entamés par un filtre de dates (au plus deux mois), et l'avancement de
  chaque activité du plan (une sous-requête indexée par activité, réunies en une requête) ;
- `DownloadRollup` (jour local × œuvre) : les téléchargements comptés selon la règle publiée
  (`communication.downloads`, fenêtre de 24 heures par personne et par fichier), tenus par les signaux du
  journal de la porte (`ServedFile`) : une ligne écrite ou retirée ne change que son compte et celui de la
  ligne valable suivante du même couple ; une personne supprimée retire les siens ; une œuvre dont la durée
  change voit ses téléchargements recomptés. Le tableau de bord n'y rejoue plus la fenêtre sur tout le journal.

Ils bougent ensemble par incréments atomiques (`UPDATE … SET n = n + 1`), sûrs sous concurrence :

- `communication.flows.record_screening` (téléphone, API, ODK) : le signal du `save()` de la fiche, puis
  `materials_recorded` pour ses supports, dans sa transaction ;
- toute autre écriture passe par les signaux branchés dans `CommunicationConfig.ready()` : une fiche
  modifiée dans l'administration retire son ancienne contribution puis ajoute la nouvelle, une fiche
  supprimée (une à une, en lot ou en cascade) retire la sienne, un support ajouté ou retiré bouge le cumul
  de son œuvre ;
- un chargement en masse (`bulk_create` : démonstration, banc d'essai) appelle `rebuild()`, qui recompte
  tout en base : chaque agrégat SQL (`values().annotate()`) est inséré tel quel (INSERT … SELECT, plus rapide
  qu'un `bulk_create` d'un million d'objets). `manage.py rebuild_rollups` fait de même (barre tqdm) ;
  `--check` compare chaque cumul à un recomptage complet, en base (EXCEPT).

Un test compare les cumuls à un recomptage complet après une suite d'écritures de toutes sortes, et le
tableau de bord, sous des filtres tirés au hasard, à un calcul direct sur les fiches.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import COUNT_FIELDS

MATERIAL_AMOUNTS = ("n", "people", "audience")
SCREENING_AMOUNTS = MATERIAL_AMOUNTS + COUNT_FIELDS
# Les colonnes de clé de chaque cumul, dans l'ordre des tuples de `recount` et `stored`.
KEYS = {
    "ScreeningRollup": ("day", "project_id", "partner_id", "channel", "region_id"),
    "ScreeningMonthRollup": ("period_month", "project_id", "partner_id", "channel", "region_id"),
    "MaterialRollup": ("day", "project_id", "partner_id", "channel", "region_id", "work_id"),
    "MaterialMonthRollup": ("period_month", "project_id", "partner_id", "channel", "work_id"),
    "DownloadRollup": ("day", "work_id"),
}
AMOUNTS = {"ScreeningRollup": SCREENING_AMOUNTS, "ScreeningMonthRollup": SCREENING_AMOUNTS,
           "MaterialRollup": MATERIAL_AMOUNTS, "MaterialMonthRollup": MATERIAL_AMOUNTS, "DownloadRollup": ("n",)}
SCREENING_TABLES = ("ScreeningRollup", "ScreeningMonthRollup")
MATERIAL_TABLES = ("MaterialRollup", "MaterialMonthRollup")


def _models(apps=None):
    """{nom: modèle} des cumuls (ceux qui existent à l'état `apps` d'une migration), plus les fiches."""
    from django.apps import apps as global_apps

    registry = apps or global_apps
    found = {}
    for app, name in (("media_library", "ServedFile"), *(("communication", n) for n in ("Screening", "ScreeningMaterial", *KEYS))):
        try:
            found[name] = registry.get_model(app, name)
        except LookupError:
            pass
    return found


def key_of(screening):
    """La clé de cumul d'une fiche (jour et mois en heure locale, comme les filtres du tableau de bord)."""
    day = timezone.localtime(screening.started_at).date()
    return {"day": day, "period_month": day.replace(day=1), "project_id": screening.project_id,
            "partner_id": screening.partner_id, "channel": screening.channel, "region_id": screening.region_id}


def amounts_of(screening):
    amounts = {"n": 1, "people": screening.people_total or 0, "audience": screening.estimated_audience or 0}
    amounts.update({f: getattr(screening, f) or 0 for f in COUNT_FIELDS})
    return amounts


def _bump(model, key, amounts, sign):
    """Ajoute (sign=1) ou retire (sign=-1) `amounts` à la ligne `key`, créée au besoin ; vidée, elle disparaît."""
    changes = {f: F(f) + sign * amounts[f] for f in AMOUNTS[model.__name__] if amounts[f]}
    if not changes:
        return
    lookup = {k: key[k] for k in KEYS[model.__name__]}
    if model.objects.filter(**lookup).update(**changes):
        if sign < 0:
            model.objects.filter(**lookup, n__lte=0).delete()
        return
    if sign < 0:
        # Rien à retirer : le cumul a été effacé (reconstruction en cours) ; il sera recompté.
        return
    extra = {"period_month": key["period_month"]} if "day" in lookup and "period_month" in key else {}
    try:
        with transaction.atomic():
            model.objects.create(**lookup, **extra, **{f: amounts[f] for f in AMOUNTS[model.__name__]})
    except IntegrityError:
        # Créée entre-temps par une écriture concurrente : on ajoute à la sienne.
        model.objects.filter(**lookup).update(**changes)


def _bump_screening(key, amounts, sign):
    models = _models()
    for name in SCREENING_TABLES:
        _bump(models[name], key, amounts, sign)


def _bump_material(key, work_id, amounts, sign):
    """La contribution d'une fiche au cumul d'une œuvre (au jour et au mois)."""
    models = _models()
    for name in MATERIAL_TABLES:
        _bump(models[name], {**key, "work_id": work_id}, amounts, sign)


def _works_of(screening_id):
    from .models import ScreeningMaterial

    return set(ScreeningMaterial.objects.filter(screening_id=screening_id).values_list("work_id", flat=True))


def _apply(key, amounts, work_ids, sign):
    _bump_screening(key, amounts, sign)
    for work_id in sorted(work_ids):
        _bump_material(key, work_id, amounts, sign)


def materials_recorded(screening):
    """Après `bulk_create` des supports d'une fiche (sans signaux) : ajoute leur contribution par œuvre.

    La contribution de la fiche elle-même est ajoutée par le signal de son `save()`."""
    amounts, key = amounts_of(screening), key_of(screening)
    for work_id in sorted(_works_of(screening.pk)):
        _bump_material(key, work_id, amounts, 1)


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
    # Ses supports sont partis avant elle (cascade) et ont déjà retiré leur part des cumuls par œuvre.
    _bump_screening(key_of(instance), amounts_of(instance), -1)


def on_material_post_save(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    others = sender.objects.filter(screening_id=instance.screening_id, work_id=instance.work_id).exclude(pk=instance.pk)
    if others.exists():
        return  # l'œuvre comptait déjà pour cette fiche (un autre chapitre)
    screening = instance.screening
    _bump_material(key_of(screening), instance.work_id, amounts_of(screening), 1)


def on_material_pre_delete(sender, instance, **kwargs):
    # Avant toute suppression du lot, les supports de la même œuvre dans la même fiche (lui compris).
    instance._rollup_pair = set(
        sender.objects.filter(screening_id=instance.screening_id, work_id=instance.work_id).values_list("pk", flat=True)
    )


def on_material_post_delete(sender, instance, **kwargs):
    from .models import Screening

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
    _bump_material(key_of(screening), instance.work_id, amounts_of(screening), -1)


# --------------------------------------------------------------------------------------------------
# Téléchargements comptés (`communication.downloads`) : une ligne du journal de la porte compte si la ligne
# valable qui la précède pour la même personne et le même fichier manque ou date de 24 heures ou plus. Une
# ligne écrite ou retirée ne change donc que son propre compte et celui de la ligne valable qui la suit : deux
# requêtes indexées (la précédente, la suivante), quel que soit l'ordre d'arrivée des lignes.


def _counts(previous, created_at):
    from .downloads import WINDOW

    return previous is None or previous <= created_at - WINDOW


def _bump_download(created_at, work_id, sign):
    from .models import DownloadRollup

    if sign:
        _bump(DownloadRollup, {"day": timezone.localdate(created_at), "work_id": work_id}, {"n": abs(sign)},
              1 if sign > 0 else -1)


def _qualifies(row):
    from .downloads import DOWNLOAD_CHANNELS, qualifying

    # Les premiers critères de `qualifying`, lus sur la ligne elle-même : un refus ou un fichier public ne coûte
    # aucune requête à la porte ; le reste (plage, durée de l'œuvre) est décidé en base par la même règle.
    if row.pk is None or not row.allowed or row.user_id is None or row.work_id is None \
            or row.channel not in {str(c) for c in DOWNLOAD_CHANNELS}:
        return False
    return qualifying().filter(pk=row.pk).exists()


def _download_changed(row, sign):
    """La ligne valable `row` vient d'entrer au journal (sign=1) ou d'en sortir (sign=-1) : son compte et celui
    de la ligne valable suivante du même couple (personne, fichier) bougent, les autres non."""
    from .downloads import qualifying

    same = qualifying().filter(user_id=row.user_id, work_id=row.work_id, object_key=row.object_key).exclude(pk=row.pk)
    before = Q(created_at__lt=row.created_at) | Q(created_at=row.created_at, pk__lt=row.pk)
    previous = same.filter(before).order_by("-created_at", "-pk").values_list("created_at", flat=True).first()
    following = same.exclude(before).order_by("created_at", "pk").values("created_at", "work_id").first()
    if _counts(previous, row.created_at):
        _bump_download(row.created_at, row.work_id, sign)
    if following is not None:
        with_row, without = _counts(row.created_at, following["created_at"]), _counts(previous, following["created_at"])
        _bump_download(following["created_at"], following["work_id"], sign * (int(with_row) - int(without)))


def on_served_pre_save(sender, instance, raw=False, **kwargs):
    instance._download_old = None
    if raw or instance.pk is None:
        return
    old = sender.objects.filter(pk=instance.pk).first()
    if old is not None and _qualifies(old):
        instance._download_old = old


def on_served_post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    old = getattr(instance, "_download_old", None)
    if old is not None:
        _download_changed(old, -1)
    if _qualifies(instance):
        _download_changed(instance, 1)


def on_served_pre_delete(sender, instance, **kwargs):
    instance._download_qualified = _qualifies(instance)


def on_served_post_delete(sender, instance, **kwargs):
    if getattr(instance, "_download_qualified", False):
        _download_changed(instance, -1)


def _download_rows(models, queryset):
    from .downloads import counted

    tz = timezone.get_current_timezone()
    return (counted(queryset).order_by().annotate(day=TruncDate("created_at", tzinfo=tz))
            .values("day", "work_id").annotate(n=Count("pk")))


def on_user_pre_delete(sender, instance, **kwargs):
    """Une personne supprimée : ses lignes du journal perdent leur auteur (SET_NULL, sans signal) et ne
    comptent plus. Seuls ses propres comptes changent (la fenêtre est par personne)."""
    from media_library.models import ServedFile

    for row in _download_rows(_models(), ServedFile.objects.filter(user_id=instance.pk)):
        _bump_download(_midday(row["day"]), row["work_id"], -row["n"])


def on_work_pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._download_duration = None
        return
    instance._download_duration = sender.objects.filter(pk=instance.pk).values_list("duration_seconds", flat=True).first()


def on_work_post_save(sender, instance, created, raw=False, **kwargs):
    """La durée d'une œuvre décide si une lecture partielle compte (une minute de média) : changée, les
    téléchargements de l'œuvre sont recomptés (ses seules lignes)."""
    from media_library.models import ServedFile

    from .models import DownloadRollup

    if raw or created or getattr(instance, "_download_duration", None) == instance.duration_seconds:
        return
    DownloadRollup.objects.filter(work_id=instance.pk).delete()
    for row in _download_rows(_models(), ServedFile.objects.filter(work_id=instance.pk)):
        _bump_download(_midday(row["day"]), row["work_id"], row["n"])


def _midday(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


# --------------------------------------------------------------------------------------------------
# Recomptage complet : agrégats SQL sur les fiches, jamais une boucle sur le million de fiches.


def _day_rows(models):
    """Les deux cumuls au jour, recomptés en base : {nom: requête values().annotate()}."""
    Screening, ScreeningMaterial = models["Screening"], models["ScreeningMaterial"]
    tz = timezone.get_current_timezone()
    sums = {"n": Count("pk"), "people": Sum("people_total", default=0),
            "audience": Sum("estimated_audience", default=0), **{f: Sum(f, default=0) for f in COUNT_FIELDS}}
    screenings = (Screening.objects.order_by().annotate(day=TruncDate("started_at", tzinfo=tz))
                  .values(*KEYS["ScreeningRollup"]).annotate(**sums))
    # Une œuvre compte une fois par fiche, même montrée en deux chapitres : seul le premier support de
    # chaque paire (fiche, œuvre) entre dans le cumul (un GROUP BY, pas une sous-requête par support).
    first = ScreeningMaterial.objects.order_by().values("screening_id", "work_id").annotate(first=Min("pk")).values("first")
    materials = (ScreeningMaterial.objects.order_by().filter(pk__in=first)
                 .annotate(day=TruncDate("screening__started_at", tzinfo=tz))
                 .values("day", "work_id", project_id=F("screening__project_id"), partner_id=F("screening__partner_id"),
                         channel=F("screening__channel"), region_id=F("screening__region_id"))
                 .annotate(n=Count("pk"), people=Sum("screening__people_total", default=0),
                           audience=Sum("screening__estimated_audience", default=0)))
    return {"ScreeningRollup": screenings, "MaterialRollup": materials}


def _month_key(name, row):
    month = row["day"].replace(day=1)
    return (month, *(row[k] for k in KEYS[name][1:]))


def _recounted(models):
    """Génère (nom, clé, sommes) : les cumuls au jour au fil de la requête, puis les mois qu'ils forment."""
    for day_name, month_name in (("ScreeningRollup", "ScreeningMonthRollup"), ("MaterialRollup", "MaterialMonthRollup")):
        query = _day_rows(models)[day_name]
        months = {}
        for row in query.iterator(chunk_size=5000):
            amounts = {f: row[f] or 0 for f in AMOUNTS[day_name]}
            yield day_name, tuple(row[k] for k in KEYS[day_name]), amounts
            if month_name in models:
                acc = months.setdefault(_month_key(month_name, row), dict.fromkeys(AMOUNTS[month_name], 0))
                for f in acc:
                    acc[f] += amounts[f]
        for key, amounts in months.items():
            yield month_name, key, amounts
    if "DownloadRollup" in models:
        for row in _download_rows(models, models["ServedFile"].objects.all()).iterator(chunk_size=5000):
            yield "DownloadRollup", (row["day"], row["work_id"]), {"n": row["n"]}


def recount(apps=None):
    """{nom du cumul: {clé: sommes}}, recomptés en base depuis les fiches (clés dans l'ordre de KEYS)."""
    models = _models(apps)
    out = {name: {} for name in KEYS if name in models}
    for name, key, amounts in _recounted(models):
        out[name][key] = amounts
    return out


def stored(apps=None, names=None):
    """Les cumuls tels qu'ils sont en base, sous la même forme que `recount`."""
    models = _models(apps)
    return {name: {tuple(r[k] for k in KEYS[name]): {f: r[f] for f in AMOUNTS[name]}
                   for r in models[name].objects.values(*KEYS[name], *AMOUNTS[name]).iterator(chunk_size=5000)}
            for name in (names or KEYS) if name in models}


def _sql(queryset):
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _month_of_day_rows(models, name):
    """Le cumul au mois `name` tel que le donnent les lignes du cumul au jour (agrégat SQL)."""
    day = models[name.replace("Month", "")]
    return (day.objects.order_by().values(*KEYS[name])
            .annotate(**{f: Sum(f, default=0) for f in AMOUNTS[name]}))


def _sources(models):
    """{nom du cumul: requête qui le recompte} : les fiches pour les cumuls au jour, les cumuls au jour
    pour ceux au mois (recomptés dans cet ordre)."""
    sources = _day_rows(models)
    for name in ("ScreeningMonthRollup", "MaterialMonthRollup"):
        if name in models:
            sources[name] = _month_of_day_rows(models, name)
    if "DownloadRollup" in models:
        sources["DownloadRollup"] = _download_rows(models, models["ServedFile"].objects.all())
    return sources


def check(apps=None):
    """{nom du cumul: (lignes en base, lignes qui diffèrent du recomptage)}, calculé en base : les lignes du
    recomptage absentes du cumul et celles du cumul absentes du recomptage (EXCEPT dans les deux sens), clé
    et sommes comprises. Les cumuls au jour sont comparés au recomptage des fiches, ceux au mois à
    l'agrégat des cumuls au jour (exacts eux-mêmes s'ils passent) : rien n'est chargé en mémoire."""
    from django.db import connections, router

    models = _models(apps)
    result = {}
    for name, source in _sources(models).items():
        model = models[name]
        connection = connections[router.db_for_read(model)]
        q = connection.ops.quote_name
        columns = ", ".join(q(c) for c in KEYS[name] + AMOUNTS[name])
        counted_sql, counted_params = _sql(source)
        stored_sql, stored_params = _sql(model.objects.order_by().values(*KEYS[name], *AMOUNTS[name]))
        a = f"SELECT {columns} FROM ({counted_sql}) counted"
        b = f"SELECT {columns} FROM ({stored_sql}) in_base"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT (SELECT COUNT(*) FROM ({a} EXCEPT {b}) x), (SELECT COUNT(*) FROM ({b} EXCEPT {a}) y), "
                           f"(SELECT COUNT(*) FROM {q(model._meta.db_table)})",
                           counted_params + stored_params + stored_params + counted_params)
            missing, extra, rows = cursor.fetchone()
        result[name] = (rows, missing + extra)
    return result


@transaction.atomic
def rebuild(apps=None, *, progress=False, names=None):
    """Efface et recompte tous les cumuls (après un chargement en masse), en base : chaque agrégat SQL
    (`values().annotate()`) est inséré tel quel (INSERT … SELECT), les cumuls au jour depuis les fiches, puis
    ceux au mois depuis les cumuls au jour, les téléchargements depuis le journal de la porte. `names` : ceux-là
    seulement (un cumul nouveau, rempli par sa migration). Renvoie {nom du cumul: lignes}."""
    from django.db import connections, router
    from django.db.models.functions import TruncMonth
    from tqdm import tqdm

    models = _models(apps)
    names = [name for name in KEYS if name in models and (names is None or name in names)]
    counts = {}
    with tqdm(total=2 * len(names), desc="cumuls", unit=" étape", disable=not progress) as bar:
        for name in names:
            models[name].objects.all().delete()
        bar.set_postfix_str("effacés")
        for name, source in _sources(models).items():
            if name not in names:
                continue
            model = models[name]
            bar.set_postfix_str(str(model._meta.verbose_name))
            connection = connections[router.db_for_write(model)]
            q = connection.ops.quote_name
            columns = list(KEYS[name] + AMOUNTS[name])
            sql, params = _sql(source)
            # Le mois d'une ligne au jour : d'abord le jour lui-même (colonne obligatoire), puis son mois.
            has_month = any(f.name == "period_month" for f in model._meta.fields)
            extra = ["period_month"] if "day" in KEYS[name] and has_month else []
            select = ", ".join(q(c) for c in columns + (["day"] if extra else []))
            model_columns = ", ".join(q(model._meta.get_field(c.removesuffix("_id")).column)
                                      for c in columns + extra)
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {q(model._meta.db_table)} ({model_columns}) "
                               f"SELECT {select} FROM ({sql}) counted", params)
            bar.update()
            if extra:
                model.objects.update(period_month=TruncMonth("day"))
            bar.update()
            counts[name] = model.objects.count()
    return counts
