"""Ce que les expositions et la boîte à outils lisent des autres applications, en lot.

Chaque fonction prend une liste d'œuvres et fait un nombre fixe de requêtes (jamais une par œuvre),
pour que les pages restent bornées quel que soit le nombre d'œuvres. Si une application n'a pas
encore le modèle attendu, la fonction se replie proprement (liste vide, fichier original).

Ce qu'elles lisent ne dépend pas de qui demande (lignes des œuvres, fichiers, rendus, chapitres, pistes,
transcriptions, pseudonymes) : c'est gardé dans la mémoire du processus sous l'époque du consentement
(`consent.epoch.memo`), qui change à chaque changement de ces modèles. Les décisions d'accès, elles, sont
demandées à la politique à chaque requête. Ce qui est rendu est partagé : on le lit, on ne le modifie pas.
"""

from collections import defaultdict

from django.apps import apps
from django.db.models import Exists, OuterRef, Prefetch

from consent import epoch
from consent.policy import policy


def _ids(works):
    return tuple(sorted({w.pk for w in works if w is not None and w.pk is not None}))


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


# --- Consentement : une décision par œuvre, en lot -------------------------------------------------


def decide_many(user, works, channel, *, at=None, preview=False):
    """{work_pk: Decision} : la politique (consent.policy), pour un lot d'œuvres."""
    return policy.decide_many(user, works, channel, at=at, preview=preview)


def decide_many_channels(user, works, channels, *, at=None):
    """{canal: {work_pk: Decision}} : la politique, pour un lot d'œuvres et plusieurs canaux (faits lus une fois)."""
    return policy.decide_many_channels(user, works, channels, at=at)


def pseudonyms(works):
    """{work_pk: "Awa, Fanta"} : les pseudonymes publics des auteur·es (jamais un nom légal), tirés des faits du
    consentement que la politique a lus pour décider de ces œuvres (aucune lecture de plus)."""
    return policy.author_pseudonyms(list(works))


# --- Fichiers, rendus, chapitres, sous-titres ------------------------------------------------------


def prefetch_works(work_ids):
    """Les œuvres avec leurs fichiers, rendus, chapitres et images (requêtes en nombre fixe)."""
    ids = tuple(sorted({pk for pk in work_ids if pk is not None}))
    return dict(epoch.memo(("oeuvres", ids), lambda: _prefetch_works(ids)))


def _prefetch_works(work_ids):
    from media_library.models import MediaFile, Work

    Rendition = _model("media_library.Rendition")
    Chapter = _model("media_library.Chapter")
    files_qs = MediaFile.objects.exclude(status=MediaFile.Status.FAILED).select_related("image")
    prefetches = [Prefetch("files", queryset=files_qs)]
    if Rendition is not None:
        prefetches.append(
            Prefetch("files__renditions", queryset=Rendition.objects.filter(chapter__isnull=True).order_by("kind"))
        )
    if Chapter is not None:
        prefetches.append(Prefetch("chapters", queryset=Chapter.objects.order_by("start", "pk")))
    # `has_content_warning` : l'œuvre a-t-elle un avertissement de contenu (l'accueil ne montre pas son image).
    warned = Exists(Work.content_warnings.through.objects.filter(work_id=OuterRef("pk")))
    works = (Work.objects.filter(pk__in=set(work_ids)).annotate(has_content_warning=warned)
             .select_related("project", "partner").prefetch_related(*prefetches))
    return {w.pk: w for w in works}


def works_with_files(works):
    """{pk: œuvre} pour des œuvres DÉJÀ lues (par exemple avec les supports de la boîte à outils) : celles qui ne
    sont pas à la corbeille (comme `Work.objects`), avec leurs fichiers et leurs rendus préchargés (deux requêtes,
    ni relecture des œuvres ni chapitres : la boîte à outils n'en montre pas). Gardé sous l'époque."""
    from django.db.models import prefetch_related_objects

    from media_library.models import MediaFile

    alive = {w.pk: w for w in works if w is not None and w.pk is not None and w.trashed_at is None}
    ids = tuple(sorted(alive))

    def load():
        Rendition = _model("media_library.Rendition")
        prefetches = [Prefetch("files", queryset=MediaFile.objects.exclude(status=MediaFile.Status.FAILED)
                               .select_related("image"))]
        if Rendition is not None:
            prefetches.append(Prefetch("files__renditions",
                                       queryset=Rendition.objects.filter(chapter__isnull=True).order_by("kind")))
        prefetch_related_objects(list(alive.values()), *prefetches)
        return alive

    return dict(epoch.memo(("oeuvres-et-fichiers", ids), load))


def subtitle_tracks(works):
    """{work_pk: [SubtitleTrack publiées]} (pistes approuvées avec un WebVTT)."""
    return _tracks_and_transcripts(works)[0]


def _tracks_and_transcripts(works):
    works = {w.pk: w for w in works if w is not None and w.pk is not None}
    ids = tuple(sorted(works))
    return epoch.memo(("pistes-et-transcriptions", ids), lambda: _load_tracks_and_transcripts(works))


def _load_tracks_and_transcripts(works):
    """Les pistes publiées ET la transcription (répliques de la piste française approuvée) en UNE requête : les
    pistes approuvées, jointes (jointure externe) à leurs répliques seulement quand la piste est française.
    Une piste par ligne distincte (`from_db`, une instance par piste, pas par réplique) ; son œuvre est celle
    déjà lue (`works`)."""
    SubtitleTrack = _model("transcription.SubtitleTrack")
    Cue = _model("transcription.Cue")
    if SubtitleTrack is None or Cue is None or not works:
        return {}, {}
    from django.db import connection
    from django.db.models import F, FilteredRelation, Q

    fields = [f for f in SubtitleTrack._meta.concrete_fields]
    names = [f.attname for f in fields]
    rows = (
        SubtitleTrack.objects.filter(work_id__in=list(works), status="approved")
        .annotate(fr_cue=FilteredRelation("cues", condition=Q(language="fr")))
        .order_by("language", "pk", "fr_cue__start_ms")
        .values_list(*names, F("fr_cue__start_ms"), F("fr_cue__text"))
    )
    tracks, seen, texts = defaultdict(list), {}, defaultdict(list)
    for row in rows:
        values, start, text = row[:len(names)], row[-2], row[-1]
        pk = values[names.index("id")]
        if pk not in seen:
            track = seen[pk] = SubtitleTrack.from_db(connection.alias, names, values)
            track.work = works[track.work_id]
            if track.vtt_file:
                tracks[track.work_id].append(track)
        if start is not None:
            texts[seen[pk].work_id].append((start, Cue.spoken_text(text)))  # « Awa : … » : aucune balise de voix
    transcripts = {k: " ".join(t for _start, t in sorted(v, key=lambda x: x[0]) if t) for k, v in texts.items()}
    return dict(tracks), transcripts


def subtitled_phone_versions(works):
    """{(work_pk, langue): SubtitledRendition prête} : versions téléphone aux sous-titres incrustés."""
    ids = _ids(works)
    return epoch.memo(("versions-incrustees", ids), lambda: _subtitled_phone_versions(ids))


def _subtitled_phone_versions(ids):
    SubtitledRendition = _model("transcription.SubtitledRendition")
    if SubtitledRendition is None or not ids:
        return {}
    result = {}
    qs = (
        SubtitledRendition.objects.filter(track__work_id__in=ids, status="ready")
        .exclude(file="")
        .select_related("track", "track__work", "media_file")
        .order_by("-created_at")
    )
    for rendition in qs:
        if getattr(rendition, "is_current", True):
            result.setdefault((rendition.track.work_id, rendition.track.language), rendition)
    return result


def transcripts(works):
    """{work_pk: texte} : la transcription lisible (piste française approuvée), pour les audios."""
    return _tracks_and_transcripts(works)[1]


def playable(work):
    for media in work.files.all():
        if media.media_type in ("video", "audio"):
            return media
    return None


def image_file(work):
    for media in work.files.all():
        if media.media_type == "image" and media.image_id:
            return media
    return None


def rendition(media, kind, required_flags=frozenset()):
    """Le rendu `kind` d'un fichier (préchargé), s'il porte les drapeaux exigés par le consentement."""
    if media is None or not hasattr(media, "get_rendition"):
        return None
    r = media.get_rendition(kind)
    if r is None or not r.file:
        return None
    if required_flags and not policy.admits_flags(required_flags, r):
        return None
    return r
