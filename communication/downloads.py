"""Comptage des téléchargements de la boîte à outils, selon une règle publiée (affichée au tableau de bord).

Source : media_library.ServedFile, écrit par la porte pour chaque fichier servi. Tout est calculé en
base (filtre, annotation, sous-requête NOT EXISTS), sans boucle Python sur les lignes du journal.
"""

import datetime as dt

from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, Window
from django.db.models.functions import Cast, Lag
from django.utils.translation import gettext_lazy as _

from consent.channels import Channel
from media_library.models import ServedFile

DOWNLOAD_CHANNELS = (Channel.FACILITATOR_DOWNLOAD,)
WINDOW = dt.timedelta(hours=24)
MIN_MEDIA_SECONDS = 60

RULE_TEXT = _(
    "Règle de comptage des téléchargements : seuls comptent les fichiers effectivement servis par la "
    "boîte à outils des animateurs, à une personne connectée. Une même personne qui obtient le même "
    "fichier plusieurs fois compte pour un seul téléchargement tant que moins de 24 heures séparent chaque "
    "obtention de la précédente. Une requête partielle (lecture d'un passage) qui couvre moins d'une "
    "minute de média ne compte pas ; une requête partielle sur un fichier dont la durée est inconnue ne "
    "compte que si elle couvre le fichier entier."
)


def qualifying(queryset=None):
    """Les lignes du journal qui peuvent compter : servies, par une personne, assez longues."""
    qs = ServedFile.objects.all() if queryset is None else queryset
    qs = qs.filter(allowed=True, user__isnull=False, work__isnull=False, channel__in=[str(c) for c in DOWNLOAD_CHANNELS])
    covered_seconds = ExpressionWrapper(
        Cast(F("range_end") - F("range_start") + 1, FloatField())
        * F("work__duration_seconds")
        / Cast(F("size"), FloatField()),
        output_field=FloatField(),
    )
    whole = (
        Q(range_start__isnull=True)
        | Q(size__isnull=True)
        | Q(range_start=0, range_end__gte=F("size") - 1)
    )
    long_enough = Q(size__gt=0, work__duration_seconds__isnull=False, covered_seconds__gte=MIN_MEDIA_SECONDS)
    return qs.annotate(covered_seconds=covered_seconds).filter(whole | long_enough)


def counted(queryset=None):
    """Les téléchargements comptés : une ligne valable sans autre ligne valable du même fichier, par la
    même personne, dans les 24 heures qui précèdent.

    Calcul en base par une fonction de fenêtre (LAG) : pour chaque ligne valable, l'heure de la ligne
    valable précédente du même couple (personne, fichier). Elle compte si cette précédente n'existe pas
    ou date de 24 heures ou plus. Le filtre de période s'applique APRÈS la fenêtre : un téléchargement
    du 1er janvier précédé d'un autre le 31 décembre au soir ne compte pas.
    """
    qs = ServedFile.objects.all() if queryset is None else queryset
    windowed = qualifying(qs.model._default_manager.all()).annotate(
        previous=Window(Lag("created_at"), partition_by=[F("user_id"), F("work_id"), F("object_key")],
                        order_by=[F("created_at").asc(), F("pk").asc()]),
    ).filter(Q(previous__isnull=True) | Q(previous__lte=F("created_at") - WINDOW))
    return qs.filter(pk__in=windowed.values("pk"))


def downloads_per_work(*, project=None, start=None, end=None, limit=30):
    qs = ServedFile.objects.all()
    if project is not None:
        qs = qs.filter(work__project=project)
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lt=end)
    return list(
        counted(qs).values("work", "work__title_fr").annotate(downloads=Count("pk")).order_by("-downloads", "work__title_fr")[:limit]
    )
