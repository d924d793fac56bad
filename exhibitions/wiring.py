"""Ce qu'une page Wagtail demande aux couches du dessus, branché au démarrage par `ExhibitionsConfig.ready()`.

Une page Wagtail est son propre contrôleur : `get_context`, `serve`, `publish` et les routes d'une
`RoutablePage` sont des méthodes du modèle, et le panneau du consentement est déclaré dans ses
`content_panels`. Or les cas d'usage (`exhibitions.flows`) et les vues lisent les modèles : si les
modèles les importaient, les flèches tourneraient en rond (models → flows → models). Les modèles et le
panneau appellent donc ce guichet, qui n'importe rien ; `apps.ready()` y branche les fonctions des flows
et des vues. Les flèches vont dans un seul sens : apps → flows, views → models → wiring (vérifié par
`lint-imports`, sans exception).
"""

from django.core.exceptions import ImproperlyConfigured

# Chaque nom attendu, et qui le fournit (voir ExhibitionsConfig.ready).
NAMES = {
    "home_context": "flows.render_home.home_context",
    "exhibit_for_page": "flows.render_exhibition.Exhibit.for_page",
    "guard_publication": "flows.publish_exhibition.guard_publication",
    "check_publication": "flows.publish_exhibition.check_publication",
    "has_no_visible_work": "flows.publish_exhibition.has_no_visible_work",
    "toolkit_context": "flows.toolkit_materials.toolkit_context",
    "toolkit_download": "views.toolkit.download_material",
    "toolkit_zip": "views.toolkit.download_zip",
}

_connected = {}


def connect(**functions):
    unknown = set(functions) - set(NAMES)
    if unknown:
        raise ImproperlyConfigured(f"exhibitions.wiring : noms inconnus {sorted(unknown)}")
    _connected.update(functions)


def call(name, *args, **kwargs):
    try:
        function = _connected[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"exhibitions.wiring : « {name} » n'est pas branché (ExhibitionsConfig.ready n'a pas tourné ?)"
        ) from None
    return function(*args, **kwargs)
