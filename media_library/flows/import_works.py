"""Import en masse du fonds existant depuis un CSV (commande `import_works`).

Chaque ligne est importée tout ou rien : ses fichiers sont vérifiés avant toute écriture, et si
une étape échoue, la ligne est annulée (base et fichiers rangés). Une ligne déjà importée (même
`external_id`) est sautée : une seconde exécution ne crée rien.
"""

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..files import MediaError
from ..models import (
    ContentWarning,
    Language,
    Licence,
    PartnerOrganisation,
    Project,
    Series,
    Theme,
    Work,
    WorkKind,
    Workshop,
)
from ..files import sha256_of
from .ingest import duplicate_message, find_duplicate, ingest_file, validate_file

REQUIRED_COLUMNS = ["external_id", "kind", "title_fr", "project"]
OPTIONAL_COLUMNS = [
    "title_bm", "description_fr", "description_bm", "words_verbatim", "words_bm", "series", "themes",
    "partner", "workshop", "date_made", "place_made", "languages", "content_warnings", "licence",
    "usage_note", "files",
]
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
LIST_SEPARATOR = "|"


class RowError(Exception):
    pass


class CsvError(Exception):
    """Le fichier entier est inutilisable (colonne manquante, encodage…)."""


@dataclass
class RowResult:
    line: int
    external_id: str
    status: str  # created | skipped | error | valid
    message: str = ""
    files: int = 0


@dataclass
class ImportReport:
    results: list = field(default_factory=list)

    def count(self, status):
        return sum(1 for r in self.results if r.status == status)

    @property
    def errors(self):
        return [r for r in self.results if r.status == "error"]


def _kind(value):
    raw = value.strip()
    if raw in WorkKind.values:
        return raw
    lowered = slugify(raw).replace("-", "_")
    for choice, label in WorkKind.choices:
        if lowered in (choice, slugify(str(label)).replace("-", "_")):
            return choice
    aliases = {"capsule_video": "capsule", "photo_voice": "photovoice", "bodymap": "body_map", "carte_corporelle": "body_map",
               "podcast_episode": "podcast", "episode_de_podcast": "podcast", "spectacle": "performance", "livre": "book",
               "depliant": "leaflet", "dessin": "drawing"}
    if lowered in aliases:
        return aliases[lowered]
    raise RowError(
        _("type inconnu « %(value)s » (types acceptés : %(choices)s)")
        % {"value": raw, "choices": ", ".join(WorkKind.values)}
    )


def _split(value):
    return [item.strip() for item in (value or "").split(LIST_SEPARATOR) if item.strip()]


def _date(value):
    value = (value or "").strip()
    if not value:
        return None, ""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date(), ""
        except ValueError:
            pass
    if len(value) == 4 and value.isdigit():
        return None, value
    if len(value) == 7 and value[4] == "-":
        try:
            return dt.datetime.strptime(value + "-01", "%Y-%m-%d").date(), ""
        except ValueError:
            pass
    raise RowError(_("date illisible « %(value)s » (formats : AAAA-MM-JJ, JJ/MM/AAAA ou AAAA)") % {"value": value})


def _licence(value):
    value = (value or "").strip()
    if not value:
        return Licence.ALL_RIGHTS
    if value in Licence.values:
        return value
    raise RowError(_("licence inconnue « %(value)s » (valeurs : %(choices)s)") % {"value": value, "choices": ", ".join(Licence.values)})


def _resolve_path(base_dir, relative):
    """Un chemin de média relatif au CSV, qui ne doit jamais sortir de son dossier."""
    candidate = Path(relative)
    if candidate.is_absolute():
        raise RowError(_("chemin absolu refusé « %(path)s » : donnez un chemin relatif au dossier du CSV") % {"path": relative})
    resolved = (base_dir / candidate).resolve()
    if base_dir != resolved and base_dir not in resolved.parents:
        raise RowError(_("chemin hors du dossier du CSV refusé « %(path)s »") % {"path": relative})
    if not resolved.is_file():
        raise RowError(_("fichier introuvable « %(path)s »") % {"path": relative})
    return resolved


def _named(model, name, **extra):
    obj = model.objects.filter(name__iexact=name).first()
    if obj:
        return obj
    return model.objects.create(name=name, **extra)


def read_rows(csv_path):
    """Lit le CSV (UTF-8, avec ou sans BOM ; séparateur « , » ou « ; »). Renvoie (lignes, numéros)."""
    try:
        text = Path(csv_path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(_("Le CSV doit être encodé en UTF-8 (enregistrez-le en « CSV UTF-8 »).")) from exc
    except OSError as exc:
        raise CsvError(_("Impossible de lire le CSV : %(err)s") % {"err": exc}) from exc
    first_line = text.splitlines()[0] if text else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CsvError(
            _("Colonne(s) obligatoire(s) manquante(s) : %(missing)s. Colonnes attendues : %(all)s.")
            % {"missing": ", ".join(missing), "all": ", ".join(ALL_COLUMNS)}
        )
    unknown = [c for c in header if c not in ALL_COLUMNS]
    if unknown:
        raise CsvError(
            _("Colonne(s) inconnue(s) : %(unknown)s. Colonnes acceptées : %(all)s.")
            % {"unknown": ", ".join(unknown), "all": ", ".join(ALL_COLUMNS)}
        )
    rows = []
    for row in reader:
        clean = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        if not any(clean.values()):
            continue
        rows.append((reader.line_num, clean))
    return rows


def check_row(row, base_dir):
    """Vérifie une ligne sans rien écrire. Renvoie les valeurs prêtes à l'emploi."""
    external_id = row.get("external_id", "")
    if not external_id:
        raise RowError(_("external_id vide"))
    if not row.get("title_fr"):
        raise RowError(_("title_fr vide"))
    if not row.get("project"):
        raise RowError(_("project vide"))
    kind = _kind(row.get("kind", ""))
    date_made, date_text = _date(row.get("date_made"))
    licence = _licence(row.get("licence"))
    languages = []
    for code in _split(row.get("languages")):
        lang = Language.objects.filter(code=code.lower()).first()
        if not lang:
            raise RowError(_("langue inconnue « %(code)s » (codes ISO 639, ex. fr, bm)") % {"code": code})
        languages.append(lang)
    paths = [_resolve_path(base_dir, rel) for rel in _split(row.get("files"))]
    return {
        "kind": kind, "date_made": date_made, "date_text": date_text, "licence": licence,
        "languages": languages, "paths": paths,
    }


def import_row(row, base_dir, *, dry_run=False, user=None):
    external_id = row.get("external_id", "")
    existing = Work.all_objects.filter(external_id=external_id).first() if external_id else None
    values = check_row(row, base_dir)
    if existing:
        return "skipped", _("déjà importée (œuvre n° %(pk)s)") % {"pk": existing.pk}, 0
    # Tous les fichiers sont vérifiés avant la moindre écriture.
    for path in values["paths"]:
        try:
            validate_file(path, path.name)
        except MediaError as exc:
            raise RowError(f"{path.name} : {exc}") from exc
    if dry_run:
        for path in values["paths"]:
            duplicate = find_duplicate(sha256_of(path))
            if duplicate:
                raise RowError(f"{path.name} : {duplicate_message(duplicate)}")
        return "valid", _("valide (%(n)s fichier(s))") % {"n": len(values["paths"])}, len(values["paths"])

    stored = []
    try:
        with transaction.atomic():
            project = _named(Project, row["project"])
            work = Work(
                external_id=external_id,
                kind=values["kind"],
                title_fr=row["title_fr"],
                title_bm=row.get("title_bm", ""),
                description_fr=row.get("description_fr", ""),
                description_bm=row.get("description_bm", ""),
                words_verbatim=row.get("words_verbatim", ""),
                words_bm=row.get("words_bm", ""),
                project=project,
                series=_named(Series, row["series"], project=project) if row.get("series") else None,
                partner=_named(PartnerOrganisation, row["partner"]) if row.get("partner") else None,
                workshop=_named(Workshop, row["workshop"], project=project) if row.get("workshop") else None,
                date_made=values["date_made"],
                date_made_text=values["date_text"],
                place_made=row.get("place_made", ""),
                licence=values["licence"],
                usage_note=row.get("usage_note", ""),
                created_by=user,
            )
            work.save()
            work.themes.set([_named(Theme, name) for name in _split(row.get("themes"))])
            work.spoken_languages.set(values["languages"])
            work.content_warnings.set([_named(ContentWarning, name) for name in _split(row.get("content_warnings"))])
            work.save()
            for order, path in enumerate(values["paths"]):
                try:
                    media = ingest_file(work, path, original_filename=path.name, user=user, sort_order=order)
                except MediaError as exc:
                    raise RowError(f"{path.name} : {exc}") from exc
                stored.append(media.file.name)
    except BaseException:
        # La ligne est annulée : on retire aussi les fichiers déjà rangés.
        for name in stored:
            default_storage.delete(name)
        raise
    return "created", _("importée (œuvre n° %(pk)s, %(n)s fichier(s))") % {"pk": work.pk, "n": len(stored)}, len(stored)


def import_csv(csv_path, *, dry_run=False, user=None, progress=None):
    csv_path = Path(csv_path).resolve()
    base_dir = csv_path.parent
    rows = read_rows(csv_path)
    report = ImportReport()
    iterator = progress(rows) if progress else rows
    seen = {}
    for line, row in iterator:
        external_id = row.get("external_id", "")
        if external_id and external_id in seen:
            report.results.append(RowResult(line, external_id, "error",
                                            _("external_id « %(id)s » déjà utilisé à la ligne %(line)s")
                                            % {"id": external_id, "line": seen[external_id]}))
            continue
        seen[external_id] = line
        try:
            status, message, nfiles = import_row(row, base_dir, dry_run=dry_run, user=user)
        except RowError as exc:
            report.results.append(RowResult(line, external_id, "error", str(exc)))
            continue
        report.results.append(RowResult(line, external_id, status, message, nfiles))
    return report
