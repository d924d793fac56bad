"""Les routes de l'API (minces) : lecture selon la fonction d'accès, écriture par record_screening."""

import enum
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import ValidationError
from pydantic import Field
from django.contrib.auth.models import AnonymousUser
from wagtail.api.v3.auth import BearerTokenAuth

from communication.flows.record_screening import record_screening
from consent.channels import Channel
from consent.policy import policy
from media_library.links import LINK_ONLY
from media_library.models import Work

from .schemas import (
    DownloadOut, ExhibitionList, ExhibitionOut, FileOut, MaterialList, MaterialOut, NotFound, ScreeningResult, WorkList,
    WorkOut,
)

ChannelParam = enum.Enum("ChannelParam", {c.name: c.value for c in Channel}, type=str)

api = NinjaAPI(
    title="API Paroles",
    version="1.0.0",
    description=(
        "Les œuvres, expositions et supports de causerie que l'appelant peut voir (sans jeton : le public du "
        "site web), et l'envoi des fiches de projection. Authentification : `Authorization: Bearer <jeton>` "
        "(jetons d'API de Wagtail, un par partenaire ou par téléphone). Ce que le consentement refuse "
        "n'existe pas pour l'appelant : 404 comme une œuvre absente, et les comptes sont faits après filtrage."
    ),
    urls_namespace="interop_api",
    openapi_url="/openapi.json",
    docs_url=None,
)

class OptionalBearer(BearerTokenAuth):
    """Le jeton de Wagtail s'il est présenté (et valide), sinon le public anonyme du site web.

    Comme `wagtail.api.v3.auth.AllowAnonymous`, mais décrit dans le schéma comme le seul schéma « bearer »
    (AllowAnonymous y produit un schéma `{"type": "http"}` sans `scheme`, invalide en OpenAPI 3). Une
    session (cookie) n'élève jamais les droits : sans jeton, l'appelant est anonyme.
    """

    def __call__(self, request):
        result = super().__call__(request)
        if result:
            return result
        request.user = AnonymousUser()
        return request.user


READ_AUTH = [OptionalBearer()]
NOT_FOUND = {404: NotFound}


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Introuvable.")}, status=404)


class Page(Schema):
    channel: ChannelParam = Field(ChannelParam.WEBSITE, description="Canal d'usage (défaut : site web public).")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


# Ce que l'API annonce d'une œuvre : ses rendus (sans métadonnées), jamais l'original, qui ne sort que
# pour l'équipe de l'archive. Presse et diffusion : aucun fichier, ils ne sortent que par un lien remis à
# une personne nommée (media_library.links.ReleaseLink).
API_RENDITIONS = ("web", "phone", "audio", "poster", "pdf_cover")


def _work_out(request, work, channel, decision):
    files = []
    if channel not in LINK_ONLY:
        for media in work.files.all():
            if media.status != media.Status.READY:
                continue
            for rendition in media.renditions.all():
                if rendition.kind in API_RENDITIONS and rendition.chapter_id is None and rendition.file \
                        and policy.admits(decision, rendition):
                    files.append(FileOut(url=request.build_absolute_uri(rendition.get_serve_url(channel)),
                                         media_type=media.media_type, mime_type=rendition.mime_type,
                                         size=rendition.size))
    return WorkOut(
        id=work.pk, kind=work.kind, title_fr=work.title_fr, title_bm=work.title_bm,
        description_fr=work.description_fr, description_bm=work.description_bm,
        words_verbatim=work.words_verbatim, project=work.project.name if work.project_id else "",
        date_made=work.date_made, licence=work.licence,
        page_url=request.build_absolute_uri(work.get_absolute_url()) if channel == Channel.WEBSITE else None,
        files=files,
    )


@api.get("/works", response=WorkList, auth=READ_AUTH, tags=["œuvres"], summary="Œuvres visibles sur un canal")
def list_works(request, page: Query[Page]):
    channel = Channel(page.channel.value)
    qs = policy.visible(request.user, channel, Work.objects.all()).select_related("project").order_by("pk")
    count = qs.count()
    items = []
    for work in qs.prefetch_related("files__renditions")[page.offset:page.offset + page.limit]:
        decision = policy.decide(request.user, work, channel)
        if decision.allowed:
            items.append(_work_out(request, work, channel, decision))
    return WorkList(count=count, offset=page.offset, limit=page.limit, items=items)


class ChannelOnly(Schema):
    channel: ChannelParam = ChannelParam.WEBSITE


@api.get("/works/{work_id}", response={200: WorkOut, **NOT_FOUND}, auth=READ_AUTH, tags=["œuvres"],
         summary="Une œuvre (404 si elle n'existe pas OU si le consentement la refuse)")
def get_work(request, work_id: int, params: Query[ChannelOnly]):
    channel = Channel(params.channel.value)
    work = Work.objects.select_related("project").prefetch_related("files__renditions").filter(pk=work_id).first()
    if work is None:
        raise Http404
    decision = policy.decide(request.user, work, channel)
    if not decision.allowed:
        raise Http404
    return _work_out(request, work, channel, decision)


def _exhibitions():
    from exhibitions.models import ExhibitionPage

    return ExhibitionPage.objects.live().public().specific().order_by("pk")


def _exhibition_out(request, page):
    from exhibitions.contents import collect_refs

    where, image_work = collect_refs(page)
    candidates = Work.objects.filter(pk__in=set(where) | set(image_work.values()))
    visible = sorted(policy.visible(request.user, page.display_channel, candidates).values_list("pk", flat=True))
    return ExhibitionOut(
        id=page.pk, title=page.title, title_bm=page.title_bm, kind=page.kind, venue=page.venue,
        start_date=page.start_date, end_date=page.end_date, url=request.build_absolute_uri(page.url),
        work_count=len(visible), works=visible,
    )


@api.get("/exhibitions", response=ExhibitionList, auth=READ_AUTH, tags=["expositions"],
         summary="Expositions publiées, avec seulement les œuvres que le site public peut montrer")
def list_exhibitions(request):
    items = [_exhibition_out(request, page) for page in _exhibitions()]
    return ExhibitionList(count=len(items), items=items)


@api.get("/exhibitions/{page_id}", response={200: ExhibitionOut, **NOT_FOUND}, auth=READ_AUTH, tags=["expositions"])
def get_exhibition(request, page_id: int):
    page = _exhibitions().filter(pk=page_id).first()
    if page is None:
        raise Http404
    return _exhibition_out(request, page)


@api.get("/toolkit", response=MaterialList, auth=READ_AUTH, tags=["boîte à outils"],
         summary="Supports de causerie que l'appelant peut voir, et ce qu'il peut télécharger")
def list_toolkit(request):
    from exhibitions.models import ToolkitPage
    from exhibitions.flows.toolkit_materials import toolkit_entries

    items = []
    for toolkit in ToolkitPage.objects.live().public().order_by("pk"):
        for entry in toolkit_entries(toolkit, request.user):
            m = entry.material
            downloads = []
            if entry.can_download:
                for d in entry.downloads:
                    suffix = f"support/{m.pk}/{d.what}/" + (f"{d.lang}/" if d.lang else "")
                    downloads.append(DownloadOut(label=str(d.label), what=d.what, lang=d.lang,
                                                 url=request.build_absolute_uri(toolkit.url + suffix)))
            items.append(MaterialOut(
                id=m.pk, toolkit=toolkit.title, work=m.work_id, title_fr=m.display_title,
                title_bm=m.display_title_bm, summary_fr=m.summary_fr, key_messages=m.key_messages(),
                duration_minutes=m.duration_minutes, secured_only=m.secured_only, can_download=entry.can_download,
                reason=str(entry.reason), downloads=downloads,
            ))
    return MaterialList(count=len(items), items=items)


Count = int | str | None


class ScreeningIn(Schema):
    """La fiche du journal (mêmes champs que le formulaire hors ligne, mêmes contrôles, mêmes messages).

    Tout est facultatif POUR LE SCHÉMA : la fiche est vérifiée par le journal lui-même, qui répond par
    des messages en français (422) plutôt que par les erreurs de typage du schéma.
    """

    id: str | None = Field(None, description="Identifiant de la fiche (UUID), produit par le client : un renvoi n'est jamais compté deux fois.")
    started_at: str | None = Field(None, description="Date et heure ISO 8601, avec fuseau.")
    partner: Count = Field(None, description="Organisation (identifiant) ; un·e animateur·rice ne saisit que pour la sienne.")
    place: Count = None
    venue_type: str | None = None
    channel: str | None = None
    materials: list[dict[str, Any]] | None = Field(None, description="[{\"work\": id, \"chapter\": id|null, \"excerpt\": \"\"}]")
    girls: Count = None
    boys: Count = None
    women: Count = None
    men: Count = None
    people_total: Count = None
    migrants: Count = None
    refugees: Count = None
    idps: Count = None
    host_community: Count = None
    authorities: Count = None
    media_people: Count = None
    other_group: Count = None
    sex_workers: Count = None
    gender_minorities: Count = None
    estimated_audience: Count = None
    referrals: Count = None
    discussion_minutes: Count = None
    themes: list[Count] | None = None
    quotes: str | None = None
    referrals_note: str | None = None
    follow_up_needed: bool | None = None
    follow_up_note: str | None = None


@api.exception_handler(ValidationError)
def unreadable(request, exc):
    if request.method == "POST":
        return api.create_response(request, {"status": "refused", "errors": {"__all__": [_("Fiche illisible.")]}},
                                   status=400)
    names = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors)
    return api.create_response(request, {"detail": _("Paramètre invalide : %(names)s.") % {"names": names}}, status=422)


@api.post("/screenings", response={200: ScreeningResult, 201: ScreeningResult, 400: ScreeningResult,
                                   403: ScreeningResult, 409: ScreeningResult, 422: ScreeningResult},
          auth=BearerTokenAuth(), tags=["journal"], exclude_none=True,
          summary="Envoyer une fiche de projection (201 reçue, 200 déjà reçue, 409 autre contenu, 422 refusée)")
def post_screening(request, payload: ScreeningIn):
    outcome = record_screening(request.user, payload.model_dump(exclude_unset=True))
    return outcome.http_status, outcome.body
