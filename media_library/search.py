"""Recherche plein texte des œuvres, tolérante à la façon dont on tape sur un téléphone.

On cherche souvent sans accents (« validee », « regles »), et certains titres jouent avec la ponctuation
(« r/Egard »). L'index reçoit donc, en plus des champs tels quels, une version « repliée » des titres et des
textes : minuscules, sans accents, ponctuation remplacée par des espaces, et les mots coupés par une
ponctuation aussi recollés (« r/Egard » donne « r egard regard »). La requête est repliée de même, et les
mots incomplets (« egar ») trouvent les titres par préfixe. Même comportement sur SQLite et PostgreSQL.
"""

import re
import unicodedata

from django.db.models import Case, IntegerField, Q, When
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


def _matching(results):
    """Les œuvres trouvées, comme sous-requête SQL (les moteurs de base de données de Wagtail exposent leur
    queryset) ; à défaut (autre moteur), la liste des identifiants des MAX_HITS premiers résultats."""
    get_queryset = getattr(results, "get_queryset", None)
    if get_queryset is None:
        return [hit.pk for hit in results[:MAX_HITS]]
    return get_queryset().order_by().values("pk")


def search_queryset(query, queryset):
    """Les œuvres de `queryset` qui répondent à `query`, filtrées PAR LA BASE (le coût suit la page, pas le
    nombre de résultats) : d'abord les mots tels quels, puis la forme repliée, puis le dernier mot incomplet ;
    les plus récentes d'abord dans chaque groupe. `queryset` garde ses filtres (dont celui de la politique)."""
    backend = get_search_backend()
    candidates = queryset.model.objects.all()
    folded = fold(query)
    found = [backend.search(query, candidates, order_by_relevance=False)]
    if folded and folded != query.strip().lower():
        found.append(backend.search(folded, candidates, order_by_relevance=False))
    if folded:
        found.append(backend.autocomplete(folded, candidates, order_by_relevance=False))
    groups = [_matching(results) for results in found]
    condition = Q(pk__in=[])
    for group in groups:
        condition |= Q(pk__in=group)
    rank = Case(*[When(pk__in=group, then=i) for i, group in enumerate(groups)], default=len(groups),
                output_field=IntegerField())
    return queryset.filter(condition).annotate(search_group=rank).order_by("search_group", "-pk")
