"""Recevoir un sac BagIt écrit par `export_works` : vérifié entier, puis importé par l'importeur CSV.

Le sac est vérifié (sommes SHA-256 et SHA-512 de chaque fichier, fichiers manquants ou en trop) avant
toute écriture, ainsi que chaque piste de sous-titres et chaque résumé de consentement : un sac abîmé
est refusé entier. Puis `works.csv` passe par `media_library.flows.import_works.import_csv` (ligne par
ligne, tout ou rien, doublons refusés) ; les pistes approuvées et les résumés suivent chaque œuvre créée.
"""

import json
from pathlib import Path

import bagit
from django.db import transaction
from django.utils.translation import gettext as _

from media_library.files import safe_download_name
from media_library.models import Work
from media_library.flows.import_works import CsvError, import_csv

from ..models import ConsentSummary
from .summary import FORMAT as SUMMARY_FORMAT


def is_bag(path):
    path = Path(path)
    return path.is_dir() and (path / "bagit.txt").is_file()


def _check_bag(path):
    import logging

    logging.getLogger("bagit").setLevel(logging.WARNING)
    try:
        bag = bagit.Bag(str(path))
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = "; ".join(str(d) for d in (exc.details or [])[:5]) or str(exc)
        raise CsvError(_("Sac BagIt invalide, rien n'a été importé : %(details)s") % {"details": details}) from exc
    except bagit.BagError as exc:
        raise CsvError(_("Sac BagIt illisible, rien n'a été importé : %(err)s") % {"err": exc}) from exc
    data = Path(bag.path) / "data"
    if not (data / "works.csv").is_file():
        raise CsvError(_("Le sac ne contient pas data/works.csv : ce n'est pas un sac d'export Paroles."))
    return data


def _extras(data):
    """Pistes et résumés de chaque œuvre du sac, vérifiés avant toute écriture."""
    from transcription.models import SubtitleLanguage
    from transcription.subtitles import parse_subtitles

    tracks, summaries = {}, {}
    for vtt in sorted((data / "subtitles").glob("*/*.vtt")):
        language = vtt.stem
        if language not in SubtitleLanguage.values:
            raise CsvError(_("Piste %(path)s : langue inconnue « %(lang)s ».") % {"path": vtt.relative_to(data), "lang": language})
        payload = vtt.read_bytes()
        try:
            parse_subtitles(payload, vtt.name)
        except Exception as exc:  # SubtitleParseError et décodage
            raise CsvError(_("Piste %(path)s illisible : %(err)s") % {"path": vtt.relative_to(data), "err": exc}) from exc
        tracks.setdefault(vtt.parent.name, []).append((language, payload))
    for item in sorted((data / "consent").glob("*.json")):
        try:
            summary = json.loads(item.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CsvError(_("Résumé de consentement %(path)s illisible.") % {"path": item.relative_to(data)}) from exc
        if summary.get("format") != SUMMARY_FORMAT:
            raise CsvError(_("Résumé de consentement %(path)s : format inconnu.") % {"path": item.relative_to(data)})
        summaries[item.stem] = summary
    return tracks, summaries


def import_bag(path, *, dry_run=False, user=None, progress=None):
    from transcription.flows.approve import approve_track
    from transcription.flows.import_subtitles import import_subtitles

    data = _check_bag(path)
    tracks, summaries = _extras(data)
    report = import_csv(data / "works.csv", dry_run=dry_run, user=user, progress=progress)
    if dry_run:
        return report
    for result in report.results:
        if result.status != "created":
            continue
        work = Work.objects.get(external_id=result.external_id)
        key = safe_download_name(result.external_id)
        with transaction.atomic():
            for language, payload in tracks.get(key, []):
                track, _fmt, _enc = import_subtitles(work, language, payload, f"{language}.vtt")
                approve_track(track, user=user, allow_issues=True)
            if key in summaries:
                ConsentSummary.objects.update_or_create(work=work, defaults={"summary": summaries[key],
                                                                              "source": Path(path).name})
    return report
