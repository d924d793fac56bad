"""Une page de la liste des archives, découpée par la base, avec un compte borné.

Le coût suit la page demandée, pas le catalogue : la base lit les œuvres autorisées dans l'ordre de la liste
(index `work_alive_recent_idx`, ou la clé primaire pour la recherche) et s'arrête après les identifiants de la
page et de quelques pages suivantes. Le compte affiché est donc exact jusqu'à ce plafond, « plus de N »
au-delà : compter exactement obligerait la base à décider pour chaque œuvre du catalogue à chaque requête.

La base lit le catalogue par tranches, dans l'ordre de la liste (`catalogue`, sans la politique : un parcours
d'index), et ne décide l'accès que pour les œuvres de la tranche (`pk IN (…)`). Sans cela, PostgreSQL estime
qu'une ligne à peine passe le filtre du consentement (sous-requêtes corrélées) : il décide alors les 5 000
œuvres avant de trier et de garder la page (0,7 s à 5 000 œuvres au lieu de ~20 ms). Tranches doublées à
chaque tour : un catalogue où peu d'œuvres sont visibles coûte quelques requêtes de plus, pas une par page.
"""

from django.core.paginator import Paginator

PER_PAGE = 24
LOOKAHEAD_PAGES = 5


def page_number(value):
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def window(groups, number, *, per_page=PER_PAGE, lookahead=LOOKAHEAD_PAGES, catalogue=None):
    """(page, plus) : la page `number` des identifiants de `groups` mis bout à bout.

    `groups` : des querysets d'œuvres déjà filtrés par la politique et ordonnés (les groupes de la recherche
    l'un après l'autre, ou la liste seule). `catalogue` : un queryset qui contient toutes leurs lignes, sans la
    politique (par défaut toutes les lignes du modèle), lu par tranches dans l'ordre de chaque groupe.
    `page.object_list` : les identifiants de la page ; `plus` : il y a encore des œuvres après le plafond (le
    compte du paginateur est alors un minimum)."""
    cap = (number + lookahead) * per_page
    ids, seen = [], set()
    for queryset in groups:
        if len(ids) > cap:
            break
        for pk in ordered_ids(queryset, cap + 1 - len(ids), catalogue=catalogue, exclude=seen):
            seen.add(pk)
            ids.append(pk)
    more = len(ids) > cap
    paginator = Paginator(ids[:cap], per_page)
    return paginator.get_page(number), more


def ordered_ids(queryset, limit, *, catalogue=None, exclude=(), first_chunk=PER_PAGE):
    """Au plus `limit` identifiants de `queryset` (hors `exclude`), dans son ordre, lus par tranches de
    `catalogue` dans le même ordre : la politique n'est évaluée que pour les lignes de chaque tranche."""
    model = queryset.model
    ordering = list(queryset.query.order_by) or list(model._meta.ordering) or ["pk"]
    source = (model._base_manager.all() if catalogue is None else catalogue).order_by(*ordering)
    source = source.values_list("pk", flat=True)
    found, offset, size = [], 0, max(limit, first_chunk)
    while len(found) < limit:
        chunk = list(source[offset:offset + size])
        if not chunk:
            break
        for pk in queryset.filter(pk__in=chunk).values_list("pk", flat=True):
            if pk not in exclude:
                found.append(pk)
                if len(found) >= limit:
                    break
        if len(chunk) < size:
            break
        offset += size
        size *= 2
    return found
