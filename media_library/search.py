"""Recherche plein texte des œuvres, tolérante à la façon dont on tape sur un téléphone.

On cherche souvent sans accents (« validee », « regles »), et certains titres jouent avec la ponctuation
(« r/Egard »). L'index reçoit donc, en plus des champs tels quels, une version « repliée » des titres et des
textes : minuscules, sans accents, ponctuation remplacée par des espaces, et les mots coupés par une
ponctuation aussi recollés (« r/Egard » donne « r egard regard »). La requête est repliée de même, et les
mots incomplets (« egar ») trouvent les titres par préfixe. Même comportement sur SQLite et PostgreSQL.
"""

import re
import unicodedata

from django.db.models import F, Q
from wagtail.search.backends import get_search_backend

_PUNCT_WORD = re.compile(r"\w+(?:[^\w\s]+\w+)+")
_NON_WORD = re.compile(r"[^\w]+")

MAX_HITS = 500


def fold(text):
    """« Film r/Egard — règles » -> « film r egard regard regles »."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    joined = [_NON_WORD.sub("", m.group(0)) for m in _PUNCT_WORD.finditer(plain)]
    words = _NON_WORD.sub(" ", plain).split()
    return " ".join(words + joined)


def search_work_ids(query, queryset):
    """Identifiants des œuvres de `queryset` qui répondent à `query`, les plus pertinentes d'abord."""
    backend = get_search_backend()
    folded = fold(query)
    seen, ordered = set(), []

    def take(results):
        for hit in results[:MAX_HITS]:
            if hit.pk not in seen:
                seen.add(hit.pk)
                ordered.append(hit.pk)

    take(backend.search(query, queryset))
    if folded and folded != query.strip().lower():
        take(backend.search(folded, queryset))
    if folded:
        # Dernier mot incomplet : « egar » trouve « r/Egard » (titres seulement).
        take(backend.autocomplete(folded, queryset))
    return ordered


def _sqlite_fts_matching(results):
    """SQLite (FTS5) : les identifiants trouvés, en partant de la table plein texte (MATCH évalué une fois,
    puis les entrées de l'index par clé primaire). La sous-requête du moteur part, elle, des entrées de l'index
    du type de contenu et refait le MATCH pour chacune (80 ms pour 5 000 œuvres). Même expression MATCH que le
    moteur (son compilateur la construit). None : autre moteur, ou requête sans MATCH."""
    from django.db import connection

    if connection.vendor != "sqlite":  # le module FTS5 du moteur ne se charge que sur SQLite (modèle absent ailleurs)
        return None
    try:
        from modelsearch.backends.database.sqlite import sqlite as engine
    except (ImportError, LookupError):
        return None
    compiler = getattr(results, "query_compiler", None)
    if not isinstance(compiler, engine.SQLiteSearchQueryCompiler):
        return None
    query = engine.normalize(compiler.query)
    if isinstance(query, (engine.MatchAll, engine.Not)):
        return None
    match = engine.MatchExpression(compiler.fields or compiler.FTS_TABLE_FIELDS,
                                   compiler.build_search_query(query, config=compiler.get_config(results.backend)))
    rows = engine.SQLiteFTSIndexEntry.objects.filter(match).values("index_entry_id")
    return engine.IndexEntry.objects.filter(
        pk__in=rows, content_type__in=engine.get_descendants_content_types_pks(compiler.queryset.model)
    ).values("object_id")


def _matching(results):
    """Les œuvres trouvées, comme sous-requête SQL (les moteurs de base de données de Wagtail exposent leur
    queryset) ; à défaut (autre moteur), la liste des identifiants des MAX_HITS premiers résultats."""
    fts = _sqlite_fts_matching(results)
    if fts is not None:
        return fts
    get_queryset = getattr(results, "get_queryset", None)
    if get_queryset is None:
        return [hit.pk for hit in results[:MAX_HITS]]
    return get_queryset().order_by().values("pk")


def search_groups(query, queryset):
    """Les œuvres de `queryset` qui répondent à `query`, en groupes disjoints à lire l'un après l'autre :
    d'abord les mots tels quels, puis la forme repliée, puis le dernier mot incomplet ; les plus récentes
    d'abord dans chaque groupe. Chaque groupe est un queryset filtré PAR LA BASE et ordonné par la clé
    primaire : la base s'arrête à la fin de la page demandée (le coût suit la page, pas le nombre de
    résultats). `queryset` garde ses filtres (dont celui de la politique)."""
    backend = get_search_backend()
    candidates = queryset.model.objects.all()
    folded = fold(query)
    found = [backend.search(query, candidates, order_by_relevance=False)]
    if folded and folded != query.strip().lower():
        found.append(backend.search(folded, candidates, order_by_relevance=False))
    if folded:
        found.append(backend.autocomplete(folded, candidates, order_by_relevance=False))
    groups, before = [], None
    # « pk + 0 » : l'appartenance aux résultats est vérifiée ligne à ligne pendant que la base parcourt les œuvres
    # par clé primaire décroissante (et s'arrête à la fin de la page), au lieu de partir des milliers de résultats
    # et de tous les décider avant de les trier.
    queryset = queryset.alias(search_pk=F("pk") + 0)
    for results in found:
        matching = _matching(results)
        group = queryset.filter(search_pk__in=matching)
        if before is not None:
            group = group.exclude(before)
        groups.append(group.order_by("-pk"))
        before = Q(pk__in=matching) if before is None else before | Q(pk__in=matching)
    return groups
