"""La page d'un lien presse/diffusion : ce que la personne nommée peut télécharger, tant que le lien vaut."""

from django.http import Http404
from django.template.response import TemplateResponse

from consent.policy import policy

from ..flows.release_links import link_files
from ..grants import release_link_from_token
from ..links import download_url


def release_link(request, token):
    link = release_link_from_token(token)
    # Falsifié, révoqué, expiré, ou consentement retiré depuis : exactement comme une adresse inconnue.
    if link is None or not policy.decide(request.user, link.work, link.channel).allowed:
        raise Http404
    items = link_files(link)
    for item in items:
        item["download"] = download_url(item["url"])
    response = TemplateResponse(request, "media_library/release_link.html", {"link": link, "items": items})
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
