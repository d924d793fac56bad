"""IIIF Image API 3.0 niveau 1 (info.json, tuiles, régions et tailles à la carte), IIIF Auth 2.0 (sonde,
accès, jeton, sortie) et manifestes Presentation 3.0.

Chaque octet d'une pyramide passe par LA porte (`media_library.gate.serve_gated`), avec l'œuvre, le
canal de l'espace (`web` = site web, `musee` = exposition au musée) et le rendu servi comme variante :
un retrait vaut dès la requête suivante, et ce qu'on ne peut pas voir répond 404 comme l'absence.
L'info.json est lu par la porte puis réécrit avec l'adresse de la requête (son `id`). Les manifestes
ne listent que ce que la porte servirait maintenant (même décision, `check_access`).
"""

import hashlib
import json

from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from django.conf import settings
from django.core import signing

from consent.channels import Channel
from consent.policy import policy
from media_library.gate import serve_gated
from media_library.models import Rendition

from . import image_request, manifests
from .pyramids import get_pyramid, service_id

SPACE_SALT = "paroles.iiif.espace"
INFO_TYPE = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
MANIFEST_TYPE = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
AUTH_CONTEXT = "http://iiif.io/api/auth/2/context.json"
COPIED_HEADERS = ("Cache-Control", "ETag", "X-Content-Type-Options", "Content-Security-Policy", "Referrer-Policy")


def space_for(channel):
    """Le segment d'espace qu'une SURFACE émet pour son canal : `web` pour le site ; pour le musée, un jeton
    signé et daté (`m-…`, PAROLES_FILE_LINK_SECONDS) que seule la page d'écoute du musée émet. Comme pour
    les fichiers (media_library.links), le canal n'est jamais choisi par qui demande."""
    if Channel(channel) == Channel.MUSEUM:
        return "m-" + signing.TimestampSigner(salt=SPACE_SALT).sign(Channel.MUSEUM.value)
    return "web"


def channel_for(space):
    """Le canal d'un espace : `web` → site web ; un jeton de musée valide → musée ; sinon le site web."""
    if space == "web":
        return Channel.WEBSITE
    if space.startswith("m-"):
        try:
            value = signing.TimestampSigner(salt=SPACE_SALT).unsign(space[2:], max_age=settings.PAROLES_FILE_LINK_SECONDS)
        except signing.BadSignature:
            return Channel.WEBSITE
        if value == Channel.MUSEUM.value:
            return Channel.MUSEUM
        return Channel.WEBSITE
    raise Http404


def _pyramid_or_404(uuid):
    rendition = get_pyramid(uuid)
    if rendition is None:
        raise Http404
    return rendition


def _etag(name):
    return hashlib.sha256(name.encode()).hexdigest()[:24]


def open_to_viewers(response):
    """Un visionneur IIIF d'un autre site (musée) doit pouvoir lire ce qui est servi au public."""
    if response.status_code in (200, 206, 302, 304):
        response["Access-Control-Allow-Origin"] = "*"
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _gate(request, rendition, channel, *, name, purpose, content_type, filename):
    fieldfile = FieldFile(rendition, Rendition._meta.get_field("file"), name)
    return serve_gated(
        request, work=rendition.media_file.work, fieldfile=fieldfile, channel=channel, filename=filename,
        purpose=purpose, obj=rendition, variant=rendition, content_type=content_type, etag=_etag(name),
    )


def _close(response):
    """Ferme les fichiers d'une réponse de la porte lue ici (info.json), SANS `response.close()` : celui-ci
    enverrait `request_finished` au milieu de la requête, et Django fermerait alors la connexion à la base
    (en plein dans une transaction : PostgreSQL perd sa connexion). La vraie réponse part ensuite."""
    for closer in getattr(response, "_resource_closers", ()):
        try:
            closer()
        except Exception:  # noqa: BLE001 - un fichier déjà fermé
            pass
    if hasattr(response, "_resource_closers"):
        response._resource_closers.clear()


def _auth_url(request, name):
    return request.build_absolute_uri(reverse(name))


def access_service(request):
    """Le service d'accès IIIF Auth 2.0 (profil `active` : la connexion des partenaires), avec son service de
    jeton et son service de sortie."""
    return {
        "id": _auth_url(request, "iiif:auth_access"),
        "type": "AuthAccessService2",
        "profile": "active",
        "label": {"fr": [_("Connexion des partenaires")]},
        "heading": {"fr": [_("Cette œuvre n'est montrée qu'avec l'accord de chaque personne")]},
        "note": {"fr": [_("Les partenaires connecté·es voient ce que leur organisation et les consentements "
                          "leur permettent.")]},
        "confirmLabel": {"fr": [_("Se connecter")]},
        "service": [
            {"id": _auth_url(request, "iiif:auth_token"), "type": "AuthAccessTokenService2"},
            {"id": _auth_url(request, "iiif:auth_logout"), "type": "AuthLogoutService2",
             "label": {"fr": [_("Se déconnecter")]}},
        ],
    }


def probe_service(request, space, rendition):
    """Le service de sonde IIIF Auth 2.0 déclaré sur le service d'image (dans l'info.json)."""
    return {
        "id": request.build_absolute_uri(
            reverse("iiif:image_probe", kwargs={"space": space, "uuid": str(rendition.media_file.uuid)})
        ),
        "type": "AuthProbeService2",
        "service": [access_service(request)],
    }


def image_base(request, space, uuid):
    channel_for(space)
    response = HttpResponse(status=303)
    response["Location"] = reverse("iiif:image_info", kwargs={"space": space, "uuid": uuid})
    return open_to_viewers(response)


def image_info(request, space, uuid):
    channel = channel_for(space)
    rendition = _pyramid_or_404(uuid)
    gated = _gate(request, rendition, channel, name=rendition.file.name, purpose="iiif:info",
                  content_type="application/ld+json", filename="info.json")
    if gated.status_code == 304:
        return open_to_viewers(gated)
    if gated.status_code not in (200, 302):
        return gated  # refus (404 pour le public, comme l'absence), méthode non permise…
    _close(gated)
    # La porte a dit oui : on sert l'info.json stocké, avec l'adresse de cette requête.
    with rendition.file.storage.open(rendition.file.name, "rb") as fh:
        info = json.load(fh)
    info["id"] = service_id(request, space, rendition)
    # Niveau 1 (et `!l,h` en plus) : toute région en pixels et toute taille jusqu'aux bornes, produites à la
    # carte depuis la pyramide (iiif.flows.derive_image) ; les tuiles et tailles listées restent statiques.
    info["profile"] = "level1"
    info.update(image_request.limits())
    info["extraFeatures"] = list(image_request.EXTRA_FEATURES)
    info["service"] = [probe_service(request, space, rendition)]
    response = HttpResponse(json.dumps(info, ensure_ascii=False), content_type=INFO_TYPE)
    for header in COPIED_HEADERS:
        if header in gated:
            response[header] = gated[header]
    return open_to_viewers(response)


def bad_request(message):
    """400 : requête IIIF mal formée ou impossible, message clair en français (texte brut)."""
    response = HttpResponse(str(message), status=400, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def image_tile(request, space, uuid, region, size, rotation, quality_format):
    """Une image IIIF (niveau 1) : tuile ou taille de la pyramide, ou région/taille produite à la carte.

    Ordre : la syntaxe (400, la même pour une image connue, refusée ou absente) ; la pyramide (404) ;
    la politique (refus = la réponse de la porte, 404 comme l'absence) ; les dimensions (400) ; puis le
    fichier (pyramide ou cache de dérivées, flows.derive_image), servi par la porte.
    """
    from media_library.gate import refuse

    from .flows.derive_image import derived_image
    from .image_request import ImageRequestError, parse, resolve

    channel = channel_for(space)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    try:
        parsed = parse(region, size, rotation, quality_format)
    except ImageRequestError as exc:
        return bad_request(exc)
    rendition = _pyramid_or_404(uuid)
    work = rendition.media_file.work
    # La politique d'abord : rien n'est calculé ni écrit pour une œuvre refusée.
    decision = policy.decide(request.user, work, channel, variant=rendition)
    if not decision.allowed:
        return refuse(request, work, rendition, channel, "iiif:tuile", decision)
    try:
        canonical = resolve(parsed, rendition.width, rendition.height)
    except ImageRequestError as exc:
        return bad_request(exc)
    name = derived_image(rendition, canonical)
    response = _gate(request, rendition, channel, name=name, purpose="iiif:tuile", content_type="image/jpeg",
                     filename=f"{canonical.region_key}-{canonical.size_key}.jpg".replace(",", "_"))
    return open_to_viewers(response)


def public_refusal(status):
    """La formulation PUBLIQUE d'un refus : jamais la raison privée (retrait, mineur, lieu…)."""
    return {
        "@context": AUTH_CONTEXT,
        "type": "AuthProbeResult2",
        "status": status,
        "heading": {"fr": [_("Cette œuvre n'est pas présentée ici.")], "bm": [_("Nin baara tɛ yira yan.")]},
        "note": {"fr": [_("Elle n'est montrée que si chaque personne qui l'a faite ou y figure l'accepte, "
                          "ici et maintenant.")]},
    }


PROBE_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Max-Age": "600",
}


def _probe_user(request):
    """Qui demande : la personne du jeton présenté (`Authorization: Bearer …`), sinon celle de la session.
    Un jeton invalide, expiré ou remis à une autre origine vaut le public anonyme."""
    from django.contrib.auth.models import AnonymousUser

    from .flows.access_token import user_for

    header = request.headers.get("Authorization", "")
    if not header:
        return request.user
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return AnonymousUser()
    return user_for(token.strip(), request.headers.get("Origin")) or AnonymousUser()


def image_probe(request, space, uuid):
    """Sonde IIIF Auth 2.0 : `status` 200 si la porte servirait l'image, 401/403 sinon (formulation publique).

    La personne est celle du jeton d'accès présenté (iiif.flows.access_token), sinon celle de la session ;
    la réponse vient de la politique, la même question que la porte pose pour l'info.json.
    Une image inconnue reçoit la même réponse qu'une image refusée : rien ne révèle qu'elle existe.
    """
    channel = channel_for(space)
    if request.method == "OPTIONS":  # pré-vol CORS d'un visionneur qui envoie `Authorization`
        return HttpResponse(status=204, headers=PROBE_CORS)
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, OPTIONS"})
    user = _probe_user(request)
    rendition = get_pyramid(uuid)
    allowed = False
    if rendition is not None:
        # La question que la porte poserait pour info.json, posée à la politique (rien n'est servi ici).
        allowed = policy.decide(user, rendition.media_file.work, channel, variant=rendition).allowed
    if allowed:
        body = {"@context": AUTH_CONTEXT, "type": "AuthProbeResult2", "status": 200}
    else:
        body = public_refusal(403 if user.is_authenticated else 401)
    body["id"] = request.build_absolute_uri()
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    for key, value in PROBE_CORS.items():
        response[key] = value
    return response


# --- IIIF Auth 2.0 : accès, jeton, sortie ---------------------------------------------------------


def _origin_of(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") \
            or parts.query or parts.fragment or "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def allowed_origins(request):
    """Les origines des visionneurs qui peuvent recevoir un jeton : ce site et PAROLES_IIIF_TOKEN_ORIGINS."""
    own = f"{request.scheme}://{request.get_host()}"
    extra = getattr(settings, "PAROLES_IIIF_TOKEN_ORIGINS", ()) or ()
    if isinstance(extra, str):
        extra = [o.strip() for o in extra.split(",") if o.strip()]
    return [own] + [o.rstrip("/") for o in extra]


def auth_access(request):
    """Service d'accès (profil `active`) : ouvert par le visionneur dans une fenêtre, il mène à la connexion
    des partenaires, puis dit qu'on peut fermer la fenêtre (elle se ferme d'elle-même)."""
    from django.contrib.auth.views import redirect_to_login
    from django.shortcuts import render

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("exhibitions:login"))
    response = render(request, "iiif/auth_window.html", {
        "state": "connected", "heading": _("Vous êtes connecté·e"),
        "note": _("Le visionneur va vérifier ce que vous pouvez voir.")})
    response["Cache-Control"] = "private, no-store"
    return response


def auth_token(request):
    """Service de jeton IIIF Auth 2.0 : une page, chargée dans un cadre par le visionneur
    (`?messageId=…&origin=…`), qui lui envoie par postMessage `AuthAccessToken2` ou `AuthAccessTokenError2`."""
    from django.shortcuts import render

    from .flows.access_token import issue, lifetime

    message_id = request.GET.get("messageId", "")
    origin = _origin_of(request.GET.get("origin", ""))
    if not message_id or len(message_id) > 200 or origin is None:
        return HttpResponse(_("Service de jeton IIIF : donnez messageId et origin (l'origine du visionneur)."),
                            status=400, content_type="text/plain; charset=utf-8")
    token = None
    if origin not in allowed_origins(request):
        message = {"type": "AuthAccessTokenError2", "profile": "invalidOrigin",
                   "heading": {"fr": [_("Ce visionneur n'est pas autorisé à demander un accès.")]}}
    else:
        token = issue(request.user, origin)
        if token is None:
            message = {"type": "AuthAccessTokenError2", "profile": "missingAspect",
                       "heading": {"fr": [_("Connectez-vous pour voir ce que votre organisation peut voir.")]},
                       "note": {"fr": [_("Sinon, seules les œuvres que chaque personne accepte de montrer ici "
                                         "sont visibles.")]}}
        else:
            message = {"type": "AuthAccessToken2", "accessToken": token, "expiresIn": lifetime()}
    message = {"@context": AUTH_CONTEXT, **message, "messageId": message_id}
    response = render(request, "iiif/auth_token.html", {"message": message, "origin": origin})
    response["Cache-Control"] = "private, no-store"
    # Le cadre n'est permis qu'aux origines admises (CSP frame-ancestors ; X-Frame-Options n'en sait rien).
    response.xframe_options_exempt = True
    response._csp_update = {"frame-ancestors": allowed_origins(request)}
    return response


def auth_logout(request):
    """Service de sortie IIIF Auth 2.0 : une fenêtre avec le bouton « Se déconnecter » (POST, CSRF)."""
    from django.contrib.auth import logout
    from django.shortcuts import render

    if request.method == "POST":
        logout(request)
        response = render(request, "iiif/auth_window.html", {
            "state": "disconnected", "heading": _("Vous êtes déconnecté·e"),
            "note": _("Les jetons déjà remis au visionneur ne valent plus.")})
    else:
        response = render(request, "iiif/auth_window.html", {
            "state": "logout", "heading": _("Se déconnecter du visionneur"),
            "note": _("Après la déconnexion, le visionneur ne montre que ce qui est public.")})
    response["Cache-Control"] = "private, no-store"
    return response


# --- Présentation ----------------------------------------------------------------------------------


def _json(payload):
    response = HttpResponse(payload, content_type=MANIFEST_TYPE)
    # Un manifeste dépend des consentements de l'instant : aucun cache ne le garde.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def work_manifest(request, space, pk):
    manifest = manifests.work_manifest(request, space, channel_for(space), int(pk))
    if manifest is None:
        raise Http404
    return _json(manifest.json(indent=1, ensure_ascii=False))


def exhibition_manifest(request, space, pk):
    manifest = manifests.exhibition_manifest(request, space, channel_for(space), int(pk))
    if manifest is None:
        raise Http404
    return _json(manifest.json(indent=1, ensure_ascii=False))


def block_manifest(request, space, pk, block):
    manifest = manifests.block_manifest(request, space, channel_for(space), int(pk), block)
    if manifest is None:
        raise Http404
    return _json(manifest.json(indent=1, ensure_ascii=False))


def block_annotations(request, space, pk, block):
    page = manifests.block_annotation_page(request, space, channel_for(space), int(pk), block)
    if page is None:
        raise Http404
    return _json(page.json(indent=1, ensure_ascii=False))
