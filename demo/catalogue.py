"""Archive de démonstration : catalogue, comptes et œuvres (appelé par `load_demo`).

Le catalogue est une donnée (`data/catalogue.json`) ; les médias sont fabriqués par de petits générateurs,
avec le code du projet : `video` (mires ffmpeg animées et cartons dessinés avec Pillow, sur la voix
enregistrée une fois avec espeak-ng : `recordings`, fichiers `data/recordings/`, régénérés par
`data/make_recordings.py`, `make fixtures`), `images` (peintures et photos dessinées avec Pillow), `audio`
(podcasts) et `leaflets` (PDF reportlab). Chaque fichier entre par `ingest_file`, comme un vrai
téléversement : empreinte, analyse, stockage privé.

Les personnes sont fictives ; les prénoms sont des pseudonymes. Les organisations partenaires sont
celles des projets décrits dans les évaluations (sauf le collectif protégé, inventé).

`build(ctx)` remplit `ctx["projects"]`, `ctx["partners"]`, `ctx["works"]` et `ctx["users"]` ; elle
est idempotente : une œuvre est retrouvée par son `external_id`, un fichier par son empreinte.
"""

import datetime
import json
import os
import secrets
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from media_library.files import MediaError, sha256_of
from media_library.models import (
    ContentWarning, Language, Licence, MediaFile, PartnerOrganisation, Project, Series, Theme, Work, Workshop,
)
from media_library.flows.ingest import find_duplicate, ingest_file

from .audio import make_podcast
from .images import draw_body_map, draw_children_drawing, draw_photo
from .leaflets import make_book, make_esclavage_leaflet, make_leaflet, make_poster
from .recordings import DATA, load_manifest
from .video import CAPSULES, Settings, make_capsule, make_film, make_performance


EXTERNAL_PREFIX = "demo:"


# =============================================================================================
# Catalogue
# =============================================================================================

# Le catalogue est une donnée : demo/data/catalogue.json (projets, partenaires, thèmes, séries, ateliers,
# avertissements, comptes, œuvres). Les dates y sont au format ISO ; les listes deviennent des n-uplets.
CATALOGUE_FILE = DATA / "catalogue.json"


@dataclass
class WorkSpec:
    key: str
    kind: str
    project: str
    title_fr: str
    title_bm: str
    description_fr: str
    description_bm: str = ""
    media: str = ""  # nom du générateur de médias (voir MEDIA_BUILDERS)
    series: str = ""
    themes: tuple = ()
    partner: str = ""
    workshop: str = ""
    date_made: datetime.date | None = None
    date_made_text: str = ""
    place_made: str = ""
    languages: tuple = ("fr",)
    warnings: tuple = ()
    licence: str = Licence.ALL_RIGHTS
    usage_note: str = ""
    words_verbatim: str = ""
    words_bm: str = ""
    options: dict = field(default_factory=dict)


def _dated(fields):
    return {k: datetime.date.fromisoformat(v) if k in DATE_FIELDS and v else v for k, v in fields.items()}


DATE_FIELDS = {"start_date", "end_date", "date_made"}
TUPLE_FIELDS = {"themes", "languages", "warnings"}


def _work_spec(fields):
    fields = _dated(fields)
    return WorkSpec(**{k: tuple(v) if k in TUPLE_FIELDS else v for k, v in fields.items()})


def load_catalogue(path=CATALOGUE_FILE):
    return json.loads(path.read_text(encoding="utf-8"))


_CATALOGUE = load_catalogue()
PROJECTS = {key: _dated(fields) for key, fields in _CATALOGUE["projects"].items()}
PARTNERS = _CATALOGUE["partners"]
THEMES = _CATALOGUE["themes"]
SERIES = {key: (s["name"], s["project"]) for key, s in _CATALOGUE["series"].items()}
WORKSHOPS = {key: _dated(fields) for key, fields in _CATALOGUE["workshops"].items()}
WARNINGS = _CATALOGUE["warnings"]
# clé : (identifiant, prénom, nom, partenaire, personnel de l'archive ?)
USERS = {key: (u["username"], u["first_name"], u["last_name"], u["partner"], u["staff"])
         for key, u in _CATALOGUE["users"].items()}
WORKS = [_work_spec(fields) for fields in _CATALOGUE["works"]]

WORK_KEYS = [spec.key for spec in WORKS]


def make_media(spec, tmp, settings, manifest):
    """Fabrique les fichiers d'une œuvre dans `tmp` ; renvoie une liste de chemins (ordre d'affichage)."""
    scale = settings.image_scale
    media = spec.media
    if media == "film":
        return [make_film(tmp, settings, manifest)]
    if media in CAPSULES:
        return [make_capsule(media, tmp, settings, manifest)]
    if media == "podcast_1":
        return [make_podcast(media, tmp, "paroles-de-femmes-brisees-01-rokia.mp3")]
    if media == "esclavage_podcast":
        return [make_podcast(media, tmp, "la-terre-de-mon-pere.mp3")]
    if media == "performance":
        return [make_performance(tmp, settings)]
    if media.startswith("bodymap"):
        opts = spec.options
        size = (int(1400 * scale), int(2100 * scale))
        return [draw_body_map(tmp / f"{media.replace('_', '-')}.jpg", seed=opts["seed"], palette=opts["palette"],
                              words=opts["words"], author=opts["author"], arms_up=opts.get("arms_up", True),
                              size=size)]
    if media.startswith("photovoice_"):
        scene = media.split("_", 1)[1]
        size = (int(1600 * scale), int(1200 * scale))
        return [draw_photo(tmp / f"photovoice-{scene}.jpg", scene, seed=len(scene) * 7, size=size)]
    if media == "drawing_family":
        return [draw_children_drawing(tmp / "ma-famille.jpg", size=(int(1500 * scale), int(1100 * scale)))]
    if media == "book":
        return make_book(tmp, settings)
    if media == "leaflet":
        return [make_leaflet(tmp)]
    if media == "esclavage_leaflet":
        return [make_poster(tmp, settings), make_esclavage_leaflet(tmp)]
    raise ValueError(f"Générateur de médias inconnu : {media}")


# =============================================================================================
# Construction
# =============================================================================================


def say(ctx, message):
    stdout = ctx.get("stdout")
    if stdout is not None:
        stdout.write(message)


def get_or_create_named(model, name, **defaults):
    obj = model.objects.filter(name=name).first()
    if obj is None:
        obj = model.objects.create(name=name, **defaults)
    return obj


def build_taxonomy(ctx):
    projects = {}
    for key, data in PROJECTS.items():
        data = dict(data)
        name = data.pop("name")
        projects[key] = Project.objects.filter(name=name).first() or Project.objects.create(name=name, **data)
    partners = {}
    for key, data in PARTNERS.items():
        data = dict(data)
        name = data.pop("name")
        partners[key] = (PartnerOrganisation.objects.filter(name=name).first()
                         or PartnerOrganisation.objects.create(name=name, **data))
    themes = {key: get_or_create_named(Theme, name) for key, name in THEMES.items()}
    series = {key: get_or_create_named(Series, name, project=projects[p]) for key, (name, p) in SERIES.items()}
    workshops = {}
    for key, data in WORKSHOPS.items():
        data = dict(data)
        name = data.pop("name")
        data["project"] = projects[data["project"]]
        data["partner"] = partners[data["partner"]]
        workshops[key] = get_or_create_named(Workshop, name, **data)
    warnings = {key: get_or_create_named(ContentWarning, name) for key, name in WARNINGS.items()}
    languages = {lang.code: lang for lang in Language.objects.all()}
    ctx["projects"].update(projects)
    ctx["partners"].update(partners)
    ctx.setdefault("taxonomy", {}).update(
        {"themes": themes, "series": series, "workshops": workshops, "warnings": warnings, "languages": languages}
    )


def build_users(ctx):
    """Comptes de démonstration. Mot de passe aléatoire, affiché une seule fois, à la création."""
    User = get_user_model()
    editors = Group.objects.filter(name__in=("Éditeurs", "Editors")).first()  # renommé par paroles 0002
    created = []
    for key, (username, first, last, partner_key, staff) in USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(username, f"{username}@paroles.demo", password, first_name=first,
                                            last_name=last, is_staff=staff)
            if staff and editors:
                user.groups.add(editors)
            created.append((username, password))
        if partner_key:
            ctx["partners"][partner_key].users.add(user)
        ctx["users"][key] = user
    if created:
        say(ctx, "Comptes de démonstration créés (mots de passe affichés une seule fois) :")
        for username, password in created:
            say(ctx, f"  {username:28} {password}")


def catalogue_fields(spec, ctx):
    tax = ctx["taxonomy"]
    return {
        "kind": spec.kind,
        "title_fr": spec.title_fr,
        "title_bm": spec.title_bm,
        "description_fr": spec.description_fr,
        "description_bm": spec.description_bm,
        "words_verbatim": spec.words_verbatim,
        "words_bm": spec.words_bm,
        "project": ctx["projects"][spec.project],
        "series": tax["series"][spec.series] if spec.series else None,
        "partner": ctx["partners"][spec.partner] if spec.partner else None,
        "workshop": tax["workshops"][spec.workshop] if spec.workshop else None,
        "date_made": spec.date_made,
        "date_made_text": spec.date_made_text,
        "place_made": spec.place_made,
        "licence": spec.licence,
        "usage_note": spec.usage_note,
    }


def build_work(spec, ctx, created_at):
    """Retrouve l'œuvre par son identifiant externe, ou la crée avec sa fiche complète."""
    external_id = EXTERNAL_PREFIX + spec.key
    work = Work.all_objects.filter(external_id=external_id).first()
    if work is not None:
        return work, False
    tax = ctx["taxonomy"]
    work = Work(external_id=external_id, created_at=created_at, created_by=ctx["users"].get("curator"),
                **catalogue_fields(spec, ctx))
    work.save()
    work.themes.set([tax["themes"][k] for k in spec.themes])
    work.spoken_languages.set([tax["languages"][c] for c in spec.languages if c in tax["languages"]])
    work.content_warnings.set([tax["warnings"][k] for k in spec.warnings])
    work.save()
    return work, True


def attach_files(work, paths, user=None):
    """Ingère les fichiers d'une œuvre, sauf ceux déjà présents (même empreinte)."""
    added = 0
    for order, path in enumerate(paths):
        digest = sha256_of(path)
        existing = find_duplicate(digest)
        if existing is not None:
            if existing.work_id != work.pk:
                raise MediaError(
                    f"Le fichier de démonstration {path.name} appartient déjà à l'œuvre n° {existing.work_id}."
                )
            continue
        ingest_file(work, path, original_filename=path.name, user=user, sha256=digest, sort_order=order)
        added += 1
    return added


def build(ctx):
    """Construit le catalogue de démonstration et ses fichiers. Idempotente."""
    from tqdm import tqdm

    settings = Settings(quick=bool(ctx.get("quick")))
    manifest = load_manifest()
    for key in ("projects", "partners", "works", "users"):
        ctx.setdefault(key, {})

    # 1. Ce qui manque : on ne fabrique des médias que pour les œuvres qui n'ont pas encore de fichier.
    existing = {
        w.external_id: w for w in Work.all_objects.filter(external_id__in=[EXTERNAL_PREFIX + k for k in WORK_KEYS])
    }
    with_files = set(
        MediaFile.objects.filter(work__in=existing.values()).values_list("work__external_id", flat=True)
    )
    todo = [spec for spec in WORKS if EXTERNAL_PREFIX + spec.key not in with_files]

    with tempfile.TemporaryDirectory(prefix="paroles-demo-") as tmpdir:
        tmp = Path(tmpdir)
        generated = {}
        # 2. Fabrication des médias, avant toute écriture en base. ffmpeg et Pillow travaillent hors du
        # verrou de Python : un fil par cœur suffit à occuper la machine.
        for spec in todo:
            (tmp / spec.key).mkdir()
        workers = max(1, min(4, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool, tqdm(
            total=len(todo), desc="Médias de démonstration", unit="œuvre", file=ctx.get("progress_file"),
            disable=not todo,
        ) as bar:
            futures = {pool.submit(make_media, spec, tmp / spec.key, settings, manifest): spec for spec in todo}
            for future in as_completed(futures):
                generated[futures[future].key] = future.result()  # une erreur de fabrication remonte ici
                bar.update(1)

        # 3. Le catalogue et les fichiers, en une transaction.
        with transaction.atomic():
            build_taxonomy(ctx)
            build_users(ctx)
            now = timezone.now()
            created_works = files_added = 0
            curator = ctx["users"].get("curator")
            for index, spec in enumerate(WORKS):
                # La première œuvre de la liste est la plus récente : elle ouvre les archives.
                work, created = build_work(spec, ctx, now - datetime.timedelta(minutes=index))
                created_works += created
                if spec.key in generated:
                    files_added += attach_files(work, generated[spec.key], user=curator)
                ctx["works"][spec.key] = work
            from wagtail.search import index as search_index

            for work in ctx["works"].values():
                search_index.insert_or_update_object(work)
            chapters_added = add_film_chapters(ctx["works"].get("film_regard"), manifest)

    say(ctx, f"Archives : {created_works} œuvre(s) créée(s), {files_added} fichier(s) ajouté(s), "
             f"{len(WORKS) - created_works} déjà présente(s), {chapters_added} chapitre(s) du film.")
    ctx["film_chapters"] = manifest["recordings"]["film_regard"]["chapters"]
    return ctx


# Thèmes de chaque chapitre du film (clés de THEMES), pour que les animateurs trouvent l'extrait utile.
FILM_CHAPTER_THEMES = {
    "depart": ("migration", "vbg"),
    "route": ("migration",),
    "faladie": ("deplacement",),
    "parole": ("resilience",),
}


def add_film_chapters(film, manifest):
    """Les chapitres de r/Egard (départ, route, Faladié, prise de parole) avec leurs thèmes ; chacun
    demande ses extraits pour téléphone et web au travailleur. Rien n'est recréé s'ils existent déjà."""
    from media_library.models import Chapter, Theme
    from media_library.flows.request_clip import request_clip

    if film is None or film.chapters.exists():
        return 0
    media = film.files.filter(media_type="video").order_by("pk").first()
    if media is None:
        return 0
    added = 0
    for spec in manifest["recordings"]["film_regard"]["chapters"]:
        if spec["key"] not in FILM_CHAPTER_THEMES:
            continue  # ni l'ouverture ni le générique ne sont des extraits à montrer
        chapter = Chapter.objects.create(work=film, media_file=media, start=round(spec["start"], 2),
                                         end=round(spec["end"], 2), title_fr=spec["title"])
        chapter.themes.set(Theme.objects.filter(name__in=[THEMES[k] for k in FILM_CHAPTER_THEMES[spec["key"]]]))
        request_clip(chapter)
        added += 1
    return added
