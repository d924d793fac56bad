"""La coquille commune des applications installables hors ligne : journal des projections (communication) et
boîte à outils hors ligne (exhibitions).

Chacune garde sa portée, son nom de cache, sa version et ses fichiers ; le service worker
(`paroles/offline/sw.js`), le manifeste et le script commun (`paroles/offline/shell.js`, gardé hors ligne
avec le catalogue des textes et la feuille de style du site) sont les mêmes. Les pages incluent
`paroles/offline/head.html` et `paroles/offline/scripts.html`.
"""

import json

from django.http import HttpResponse
from django.templatetags.static import static
from django.template.loader import render_to_string
from django.urls import reverse

SHELL_SCRIPT = "paroles/offline/shell.js"


def precache_urls(scope, manifest_url, statics):
    """La coquille (la page), son manifeste, les textes du script (jsi18n), le script commun, la feuille de
    style du site et les fichiers statiques propres à l'application."""
    return [scope, manifest_url, reverse("javascript-catalog"), static(SHELL_SCRIPT), static("paroles/css/paroles.css"),
            *(static(path) for path in statics)]


def service_worker_response(*, app_name, scope, sw_url, cache_prefix, version, precache):
    body = render_to_string("paroles/offline/sw.js", {
        "app_name": app_name,
        "scope": scope,
        "sw_url": sw_url,
        "version": version,
        "cache_prefix": json.dumps(cache_prefix),
        "precache": json.dumps(precache),
        "shell": json.dumps(scope),
        "api_prefix": json.dumps(scope + "api/"),
    })
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = scope
    return response


def manifest_response(*, name, short_name, description, scope, theme_color, icons):
    """Le manifeste d'une application installable ; `icons` : [(chemin statique, tailles, type)]."""
    data = {
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": "fr",
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": theme_color,
        "icons": [{"src": static(path), "sizes": sizes, "type": kind} for path, sizes, kind in icons],
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
