"""Surfaces des interfaces des partenaires, inscrites pour le test matrice du consentement.

Le public naturel de chaque canal arrive ici par une session (`audience_client`) ; ces interfaces ne
lisent jamais la session : la sonde présente donc un jeton d'API Wagtail de la même personne, comme le
ferait son téléphone (ODK : Basic avec le jeton pour mot de passe) ou le système du partenaire (API).
"""

import base64

from consent.surfaces import register_surface

PARTNER = ["closed_screening", "secured_event", "facilitator_download"]
_TOKENS = {}


def client_user(client):
    from django.contrib.auth import get_user_model

    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def token_for(user):
    from wagtail.models import APIToken

    if user is None:
        return None
    key = (user.pk, user.get_username())
    known = _TOKENS.get(key)
    if known is None or not APIToken.objects.filter(
        user=user, key_hash__in=APIToken.candidate_key_hashes(known), revoked_at__isnull=True
    ).exists():
        _TOKENS[key] = APIToken.create_token(user=user, name="matrice du consentement")[1]
    return _TOKENS[key]


def basic_header(client):
    user = client_user(client)
    if user is None:
        return {}
    raw = f"{user.get_username()}:{token_for(user)}".encode()
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(raw).decode()}


# Le formulaire ODK est celui d'une animatrice (les œuvres qu'elle peut montrer pour son organisation) :
# une responsable du consentement, membre d'aucune organisation, n'en a pas.
@register_surface("ODK : supports du formulaire (supports.csv)", channels=PARTNER,
                  roles=("anonymous", "facilitator", "other_facilitator", "partner_admin", "curator", "curator_outside"))
def odk_form_media(client, work, channel):
    response = client.get("/odk/forms/paroles-projection/media/supports.csv", **basic_header(client))
    return response.status_code == 200 and work.title_fr.encode() in response.content


def bearer_header(client):
    user = client_user(client)
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"} if user is not None else {}


@register_surface("API : liste des œuvres (/api/works)")
def api_work_list(client, work, channel):
    response = client.get(f"/api/works?channel={channel}&limit=100", **bearer_header(client))
    if response.status_code != 200:
        return False
    body = response.json()
    listed = any(item["id"] == work.pk for item in body["items"])
    # Le compte est calculé après filtrage : il doit égaler le nombre d'œuvres listées.
    assert body["count"] == len(body["items"]), body
    return listed


@register_surface("API : œuvre (/api/works/<id>)")
def api_work_detail(client, work, channel):
    response = client.get(f"/api/works/{work.pk}?channel={channel}", **bearer_header(client))
    return response.status_code == 200 and response.json()["title_fr"] == work.title_fr


def _exhibitions(work):
    from exhibitions.consent_surfaces import setup_exhibitions

    setup_exhibitions(work)


@register_surface("API : expositions (/api/exhibitions)", channels=["website"], setup=_exhibitions)
def api_exhibitions(client, work, channel):
    response = client.get("/api/exhibitions", **bearer_header(client))
    return response.status_code == 200 and any(work.pk in item["works"] for item in response.json()["items"])


@register_surface("API : boîte à outils (/api/toolkit)", channels=["facilitator_download"], setup=_exhibitions)
def api_toolkit(client, work, channel):
    response = client.get("/api/toolkit", **bearer_header(client))
    return response.status_code == 200 and any(
        item["work"] == work.pk and item["can_download"] for item in response.json()["items"]
    )


# OAI-PMH et IATI publient pour le public, quel que soit qui moissonne.
@register_surface("OAI-PMH (ListRecords, oai_dc)", channels=["website"], audience="public")
def oai_list_records(client, work, channel):
    response = client.get("/oai/?verb=ListRecords&metadataPrefix=oai_dc")
    return response.status_code == 200 and work.title_fr.encode() in response.content


@register_surface("OAI-PMH (GetRecord)", channels=["website"], audience="public")
def oai_get_record(client, work, channel):
    from interop.oai.views import identifier_prefix

    identifier = identifier_prefix() + str(work.pk)
    response = client.get(f"/oai/?verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier}")
    return response.status_code == 200 and work.title_fr.encode() in response.content


def _plan(work):
    import datetime as dt

    from communication.models import CommunicationPlan

    if not CommunicationPlan.objects.filter(project=work.project).exists():
        CommunicationPlan.objects.create(project=work.project, title="Plan matrice", objectives="…",
                                         start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 12, 31))


@register_surface("IATI 2.03 (liens vers les œuvres)", channels=["website"], setup=_plan, audience="public")
def iati_document_links(client, work, channel):
    """Le fichier IATI est public (registre IATI) : il ne doit lier que ce que le public du site peut voir."""
    from lxml import etree

    from interop.iati.build import build_activities

    doc = etree.fromstring(build_activities())
    return any(d.findtext("title/narrative") == work.title_fr for d in doc.iter("document-link"))


@register_surface("export BagIt (export_works)", channels=["internal"])
def bagit_export(client, work, channel):
    import tempfile
    from pathlib import Path

    from interop.bagit.export import export_works

    user = client_user(client)
    if user is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        export_works(Path(tmp) / "sac", user=user)
        return work.title_fr in (Path(tmp) / "sac" / "data" / "works.csv").read_text(encoding="utf-8")


def _attachment(work):
    from django.core.files.base import ContentFile

    from communication.consent_surfaces import screening_for

    from .models import ScreeningAttachment

    screening = screening_for(work)
    data = b"\xff\xd8\xff\xe0 photo de la seance " + work.title_fr.encode()
    item = ScreeningAttachment(screening=screening, original_filename="photo.jpg", mime_type="image/jpeg",
                               size=len(data), sha256="0" * 64)
    item.file.save("photo.jpg", ContentFile(data), save=False)
    item.save()
    return item


@register_surface("ODK : pièce jointe d'une fiche", channels=["internal"], kind="member", setup=_attachment)
def odk_attachment(client, work, channel):
    """La photo jointe à une fiche : pour qui la politique laisse connaître la fiche (son organisation et
    chaque œuvre montrée), absente pour les autres."""
    from .models import ScreeningAttachment

    item = ScreeningAttachment.objects.filter(screening__materials__work=work).first()
    response = client.get(item.get_serve_url())
    if response.status_code != 200:
        return False
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return work.title_fr.encode() in body
