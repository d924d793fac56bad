"""Plan du site : les pages Wagtail publiques et en ligne, et les œuvres que le public anonyme peut voir sur
le site web MAINTENANT (même fonction d'accès que la liste des archives). Une œuvre dont le consentement est
retiré en sort à la requête suivante.

`/sitemap.xml` est l'index du protocole (`<sitemapindex>`) : il nomme les documents `/sitemap-1.xml`,
`/sitemap-2.xml`… Le document k porte les œuvres visibles dont l'identifiant est dans la tranche
](k-1)·1 000 ; k·1 000] (et, pour le premier, les pages de Wagtail) : chaque requête décide au plus 1 000 œuvres,
quel que soit le catalogue (un seul document de 5 000 œuvres demandait ~190 ms de SQL à PostgreSQL pour la seule
décision). Le nombre de documents vient du plus grand identifiant d'une œuvre VISIBLE (la base parcourt les
identifiants à rebours et s'arrête à la première) : il ne dit rien de plus que les adresses publiques des
œuvres, qui portent leur identifiant ; au-delà, 404, comme une tranche qui n'existerait pas.

Les pages viennent du plan de Wagtail (`wagtail.contrib.sitemaps`) ; les œuvres, de `policy.visible` (filtre
SQL de la politique), par colonnes (identifiant, slug, jour) : le document est écrit en texte échappé plutôt que par
le gabarit de Django, qui coûtait environ 0,2 ms par adresse (1,3 s pour 5 000 œuvres), ou par lxml.

L'index et chaque document sont gardés sous l'époque du consentement (`consent.epoch`, quand le cache des pages
est allumé) : un consentement, un retrait, une œuvre, une page… changés, et l'entrée ne vaut plus ; elle finit
aussi au prochain changement de lui-même (expiration, anniversaire : `epoch.timeout_for`). Une œuvre retirée
sort donc du plan à la requête suivante, et les autres requêtes ne recalculent pas les décisions.
"""

from urllib.parse import quote
from xml.sax.saxutils import escape

from django.contrib.auth.models import AnonymousUser
from django.contrib.sites.shortcuts import get_current_site
from django.db.models import CharField, Func
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from wagtail.contrib.sitemaps import Sitemap as PagesSitemap

from consent import epoch
from consent.channels import Channel
from consent.policy import policy

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
WORKS_PER_DOCUMENT = 1000  # œuvres (identifiants) par document ; le protocole en permet 50 000
_PK, _SLUG = 987654321, "slug-du-plan"


def work_location(pattern, pk, slug):
    """L'adresse d'une œuvre, comme `Work.get_absolute_url` (même échappement que `reverse`), sans un
    `reverse` par œuvre."""
    return pattern.replace(str(_PK), str(pk)).replace(_SLUG, quote(slug or "oeuvre", safe=RFC3986_SUBDELIMS + "/~:@"))


def _plain(slug):
    """Un slug ASCII fait de lettres, chiffres, « - » et « _ » : `quote` et l'échappement XML le laissent tel quel."""
    return slug.isascii() and slug.replace("-", "").replace("_", "").isalnum()


class UtcDay(Func):
    """Le jour (UTC) d'un horodatage, en texte « AAAA-MM-JJ », calculé par la base sans fonction Python : sur
    SQLite, `TruncDate` appelle une fonction Python par ligne (~10 µs, 50 ms pour 5 000 œuvres) ; Django y écrit
    les horodatages en UTC, « AAAA-MM-JJ HH:MM:SS… », dont le jour est le début du texte."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):  # (le projet tourne sur SQLite et PostgreSQL)
        from django.db import NotSupportedError

        raise NotSupportedError(f"UtcDay : base {connection.vendor} non prise en charge")

    def as_sqlite(self, compiler, connection, **extra):
        return Func.as_sql(self, compiler, connection, template="substr(%(expressions)s, 1, 10)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return Func.as_sql(self, compiler, connection,
                           template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD')", **extra)


def _visible(queryset):
    return policy.visible(AnonymousUser(), Channel.WEBSITE, queryset)


def visible_works(page):
    """(identifiant, slug, jour « AAAA-MM-JJ » de la dernière modification) des œuvres visibles du document
    `page` : celles dont l'identifiant est dans sa tranche. Le jour est calculé par la base, en texte (en UTC) :
    lire 5 000 horodatages complets coûtait plus que les écrire."""
    from media_library.models import Work

    low = (page - 1) * WORKS_PER_DOCUMENT
    qs = _visible(Work.objects.filter(pk__gt=low, pk__lte=low + WORKS_PER_DOCUMENT).order_by("pk"))
    return qs.annotate(lastmod_day=UtcDay("updated_at")).values_list("pk", "slug", "lastmod_day")


def document_count():
    """Le nombre de documents : jusqu'à la tranche de la dernière œuvre visible (au moins un, pour les pages)."""
    from media_library.models import Work

    last = _visible(Work.objects.order_by("-pk")).values_list("pk", flat=True).first()
    return max(1, -(-(last or 0) // WORKS_PER_DOCUMENT))


def _kept(key, build):
    """`build()` gardé sous l'époque du consentement quand le cache des pages est allumé (l'époque est lue AVANT
    les données : un changement pendant le calcul rend l'entrée caduque)."""
    if not epoch.enabled():
        return build()
    current, entry = epoch.current_and(key)
    if entry is not None and entry.get("epoch") == current:
        return entry["body"]
    body = build()
    timeout = epoch.timeout_for(current)
    if timeout and body is not None:  # une adresse absente (404) ne remplit pas le cache partagé
        epoch.cache().set(key, {"epoch": current, "body": body}, timeout)
    return body


def _base(request):
    return f"{request.scheme}://{get_current_site(request).domain}"


def sitemap_index(request):
    base = _base(request)

    def build():
        pattern = base + reverse("sitemap_document", kwargs={"page": _PK})
        entries = "".join(f"<sitemap><loc>{escape(pattern.replace(str(_PK), str(k)))}</loc></sitemap>"
                          for k in range(1, document_count() + 1))
        return ("<?xml version='1.0' encoding='UTF-8'?>\n" f'<sitemapindex xmlns="{NS}">' + entries
                + "</sitemapindex>").encode()

    return HttpResponse(_kept(f"paroles:sitemap-index:{base}", build), content_type="application/xml")


def sitemap(request, page):
    base = _base(request)
    body = _kept(f"paroles:sitemap:{base}:{page}",
                 lambda: _document(request, page, base) if page == 1 or 1 < page <= document_count() else None)
    if body is None:
        raise Http404
    return HttpResponse(body, content_type="application/xml")


def _document(request, page, base):
    """Les octets du document `page` (une tranche sans œuvre visible donne un document vide). Écrit par morceaux de texte
    (échappés) : un élément lxml par champ coûtait ~0,1 ms par œuvre, 0,5 s pour 5 000 sous charge."""
    parts = []

    def add(location, lastmod=None, changefreq=None, priority=None):
        parts.append(f"<url><loc>{escape(location)}</loc>")
        if lastmod:
            parts.append(f"<lastmod>{lastmod.strftime('%Y-%m-%d')}</lastmod>")
        if changefreq:
            parts.append(f"<changefreq>{escape(changefreq)}</changefreq>")
        if priority is not None:
            parts.append(f"<priority>{escape(str(priority))}</priority>")
        parts.append("</url>")

    if page == 1:
        for info in PagesSitemap(request).get_urls(site=get_current_site(request), protocol=request.scheme):
            add(info["location"], info.get("lastmod"), info.get("changefreq"), info.get("priority"))
    pattern = base + reverse("media_library:work_detail", kwargs={"pk": _PK, "slug": _SLUG})
    # L'adresse en trois morceaux autour de l'identifiant et du slug : pour un slug simple (ASCII, lettres,
    # chiffres, tirets), elle s'écrit sans `quote` ni échappement ; sinon, comme `get_absolute_url`.
    head, _, rest = escape(pattern).partition(str(_PK))
    middle, _, tail = rest.partition(_SLUG)
    for pk, slug, day in visible_works(page):
        if slug and _plain(slug):
            loc = f"{head}{pk}{middle}{slug}{tail}"
        else:
            loc = escape(work_location(pattern, pk, slug))
        if day:
            parts.append(f"<url><loc>{loc}</loc><lastmod>{day}</lastmod><changefreq>weekly</changefreq></url>")
        else:
            parts.append(f"<url><loc>{loc}</loc><changefreq>weekly</changefreq></url>")
    return ("<?xml version='1.0' encoding='UTF-8'?>\n" f'<urlset xmlns="{NS}">' + "".join(parts)
            + "</urlset>").encode()
