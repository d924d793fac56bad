"""Recherche plein texte des œuvres, tolérante à la façon dont on tape sur un téléphone.

On cherche souvent sans accents (« validee », « regles »), et certains titres jouent avec la ponctuation
(« r/Egard »). L'index reçoit donc, en plus des champs tels quels, une version « repliée » des titres et des
textes : minuscules, sans accents, ponctuation remplacée par des espaces, et les mots coupés par une
ponctuation aussi recollés (« r/Egard » donne « r egard regard »). La requête est repliée de même, et les
mots incomplets (« egar ») trouvent les titres par préfixe. Même comportement sur SQLite et PostgreSQL.
"""

import re
import unicodedata

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
