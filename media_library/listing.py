"""Une page de la liste des archives, découpée par la base, avec un compte borné.

Le coût suit la page demandée, pas le catalogue : la base lit les œuvres autorisées dans l'ordre de la liste
(index `work_alive_recent_idx`, ou la clé primaire pour la recherche) et s'arrête après les identifiants de la
page et de quelques pages suivantes. Le compte affiché est donc exact jusqu'à ce plafond, « plus de N »
au-delà : compter exactement obligerait la base à décider pour chaque œuvre du catalogue à chaque requête.
"""

from django.core.paginator import Paginator

PER_PAGE = 24
LOOKAHEAD_PAGES = 5


def page_number(value):
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def window(groups, number, *, per_page=PER_PAGE, lookahead=LOOKAHEAD_PAGES):
    """(page, plus) : la page `number` des identifiants de `groups` mis bout à bout.

    `groups` : des querysets d'œuvres déjà filtrés par la politique et ordonnés (les groupes de la recherche
    l'un après l'autre, ou la liste seule). `page.object_list` : les identifiants de la page ; `plus` : il y a
    encore des œuvres après le plafond (le compte du paginateur est alors un minimum)."""
    cap = (number + lookahead) * per_page
    ids, seen = [], set()
    for queryset in groups:
        if len(ids) > cap:
            break
        for pk in queryset.values_list("pk", flat=True)[: cap + 1 - len(ids)]:
            if pk not in seen:
                seen.add(pk)
                ids.append(pk)
    more = len(ids) > cap
    paginator = Paginator(ids[:cap], per_page)
    return paginator.get_page(number), more
