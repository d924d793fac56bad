"""Surface du consentement : la synchronisation de la boîte à outils hors ligne (importé par consent_surfaces.py).

La sonde demande, pour le téléphone de l'animatrice, si elle peut GARDER le support de l'œuvre (réponse
`keep`) et s'il lui est proposé (`items`). Servi = l'un ou l'autre ; sinon le support doit être rappelé.
"""

import json
import uuid

from consent.surfaces import register_surface

from .consent_surfaces import setup_exhibitions


@register_surface("boîte à outils hors ligne (synchronisation)", channels=["facilitator_download"],
                  setup=setup_exhibitions)
def offline_sync(client, work, channel):
    from django.urls import reverse

    from .models import ToolkitPage

    toolkit = ToolkitPage.objects.get(slug="matrice-boite")
    material = toolkit.materials.get(work=work)
    item = f"m{material.pk}"
    response = client.post(reverse("exhibitions:offline_sync"), data=json.dumps({
        "device": str(uuid.uuid4()), "held": [{"id": item, "files": []}], "deleted": [],
    }), content_type="application/json")
    if response.status_code != 200:
        return False
    body = response.json()
    kept = item in body["keep"]
    offered = any(d["id"] == item for d in body["items"])
    if kept != offered or kept == (item in body["recall"]):
        raise AssertionError(f"réponse incohérente pour {item} : {body}")
    return kept
