"""Surfaces de media_library et de l'administration, inscrites pour le test matrice du consentement."""

from urllib.parse import urlencode

from django.urls import reverse

from media_library.testing import surface_url

from .surfaces import register_surface


def _title_in(response, work):
    return response.status_code == 200 and work.title_fr.encode() in response.content


def _served(response):
    if response.status_code not in (200, 206):
        return False
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return len(body) > 0


@register_surface("page publique de l'œuvre", channels=["website"])
def public_page(client, work, channel):
    return _title_in(client.get(work.get_absolute_url()), work)


@register_surface("liste des archives", channels=["website"])
def archive_listing(client, work, channel):
    return _title_in(client.get(reverse("media_library:work_list")), work)


@register_surface("recherche des archives", channels=["website"])
def archive_search(client, work, channel):
    token = work.title_fr.split()[-1]
    return _title_in(client.get(reverse("media_library:work_list") + "?" + urlencode({"q": token})), work)


@register_surface("plan du site (sitemap.xml)", channels=["website"], audience="public")
def sitemap(client, work, channel):
    """L'index, puis chacun des documents qu'il nomme (un moteur de recherche ne lit pas autre chose)."""
    from .testing import read_sitemap

    index, documents = read_sitemap(client)
    address = work.get_absolute_url().encode()
    return any(r.status_code == 200 and address in r.content for r in [index, *documents])


@register_surface("fichier original", channels=["internal"])
def original_file(client, work, channel):
    """L'original ne sort que sur l'archive interne (public et partenaires : des rendus sans métadonnées)."""
    media = work.files.first()
    return _served(client.get(surface_url(media, work, channel)))


def _image_rendition(work):
    from media_library.processing.images import ensure_archive_image

    media = work.files.first()
    image = ensure_archive_image(media)
    return image.get_rendition("fill-64x64")


@register_surface("rendu d'image (vignette)", setup=_image_rendition)
def image_rendition(client, work, channel):
    media = work.files.first()
    rendition = media.image.renditions.first()
    return _served(client.get(surface_url(rendition, work, channel)))


def _poster(work):
    from django.core.files.base import ContentFile

    from media_library.models import Rendition

    media = work.files.first()
    with media.file.open("rb") as fh:
        data = fh.read()
    rendition = Rendition(media_file=media, kind="poster", settings_hash="test", mime_type="image/jpeg", size=len(data))
    rendition.file.save("poster.jpg", ContentFile(data), save=False)
    rendition.save()
    return rendition


@register_surface("rendu média (affiche, vidéo web…)", setup=_poster)
def media_rendition(client, work, channel):
    from media_library.models import Rendition

    rendition = Rendition.objects.filter(media_file__work=work, is_blurred=False).first()
    return _served(client.get(surface_url(rendition, work, channel)))


def _window_clip(work):
    """Un extrait coupé à une fenêtre (bloc « Extrait » d'une exposition) : la porte le décide pour sa fenêtre."""
    from django.core.files.base import ContentFile

    from media_library.models import Rendition

    media = work.files.first()
    with media.file.open("rb") as fh:
        data = fh.read()
    rendition = Rendition(media_file=media, kind="clip_web", settings_hash="test", mime_type="video/mp4",
                          size=len(data), clip_start=0, clip_end=1)
    rendition.file.save("extrait.mp4", ContentFile(data), save=False)
    rendition.save()
    return rendition


@register_surface("rendu média : extrait coupé à une fenêtre", setup=_window_clip)
def window_clip_rendition(client, work, channel):
    from media_library.models import Rendition

    rendition = Rendition.objects.filter(media_file__work=work, clip_start__isnull=False).first()
    return _served(client.get(surface_url(rendition, work, channel)))


@register_surface("lien presse ou diffusion (page d'envoi)", channels=["press_social", "broadcast"])
def release_page(client, work, channel):
    from media_library.testing import release_link

    return _title_in(client.get(release_link(work, channel).get_absolute_url()), work)


# --- Administration du consentement ---------------------------------------------------------------


@register_surface("admin : consentements (recherche)", channels=["internal"], kind="admin",
                  roles=("curator", "curator_outside", "officer"))
def admin_consent_records(client, work, channel):
    from .models import ConsentRecord

    if not ConsentRecord.objects.filter(work=work).exists():
        return None  # sans objet pour cette œuvre
    url = reverse("consent_consentrecord:index") + "?" + urlencode({"q": work.title_fr.split()[-1]})
    return _title_in(client.get(url), work)


STAFF_ROLES = ("curator", "curator_outside", "officer")


def _people_of(work):
    from .models import ConsentRecord, Participant, Participation

    ids = set(Participation.objects.filter(work=work).values_list("participant_id", flat=True))
    ids |= set(ConsentRecord.objects.filter(work=work).values_list("participant_id", flat=True))
    return list(Participant.objects.filter(pk__in=ids).order_by("pk"))


def _person_probe(url_of, needle_of=None):
    """Une surface des personnes : montre-t-elle une personne liée à l'œuvre (son pseudonyme, ou le lien
    vers sa fiche dans une liste : la recherche répète le texte cherché) ?"""

    def probe(client, work, channel):
        people = _people_of(work)
        if not people:
            return None  # sans objet : personne n'est liée à cette œuvre
        person = people[0]
        needle = (needle_of(person) if needle_of else person.pseudonym).encode()
        url = url_of(person)
        for page in (1, 2, 3):  # le sélecteur pagine par 10 (sa recherche ne filtre pas les pseudonymes)
            response = client.get(url if page == 1 else f"{url}{'&' if '?' in url else '?'}p={page}")
            if response.status_code != 200:
                return False
            if needle in response.content:
                return True
            if "?" not in url:
                return False
        return False

    return probe


def _search(name, person):
    return reverse(name) + "?" + urlencode({"q": person.pseudonym})


register_surface("admin : participant·es (recherche)", channels=["internal"], kind="person", roles=STAFF_ROLES)(
    _person_probe(lambda p: _search("consent_participant:index", p),
                  lambda p: reverse("consent_participant:inspect", args=[p.pk])))
register_surface("admin : participant·e, inspection", channels=["internal"], kind="person", roles=STAFF_ROLES)(
    _person_probe(lambda p: reverse("consent_participant:inspect", args=[p.pk])))
register_surface("admin : sélecteur de participant·es (recherche)", channels=["internal"], kind="person",
                 roles=STAFF_ROLES)(
    _person_probe(lambda p: _search("consent_participant_chooser:choose_results", p),
                  lambda p: reverse("consent_participant_chooser:chosen", args=[p.pk])))
register_surface("admin : sélecteur de participant·es (personne choisie)", channels=["internal"], kind="person",
                 roles=STAFF_ROLES)(_person_probe(lambda p: reverse("consent_participant_chooser:chosen", args=[p.pk])))


def _withdrawal_of(work):
    from .models import Withdrawal

    people = [p.pk for p in _people_of(work)]
    return Withdrawal.objects.filter(participant_id__in=people).order_by("pk").first() if people else None


def _withdrawal_probe(url_of, *, title=False):
    def probe(client, work, channel):
        withdrawal = _withdrawal_of(work)
        if withdrawal is None:
            return None  # sans objet : aucun retrait pour cette œuvre
        response = client.get(url_of(withdrawal))
        needle = work.title_fr if title else withdrawal.participant.pseudonym
        return response.status_code == 200 and needle.encode() in response.content

    return probe


# Les retraits : la liste et la fiche sont celles des responsables (permission), la page d'impact celle de
# l'équipe qui doit agir (sans le titre d'une œuvre qu'elle ne connaît plus).
register_surface("admin : retraits (liste)", channels=["internal"], kind="notice", roles=("officer",))(
    _withdrawal_probe(lambda w: reverse("consent_withdrawal:index")))
register_surface("admin : retrait, inspection", channels=["internal"], kind="notice", roles=("officer",))(
    _withdrawal_probe(lambda w: reverse("consent_withdrawal:inspect", args=[w.pk])))
register_surface("admin : impact d'un retrait (titres)", channels=["internal"], kind="admin", roles=STAFF_ROLES)(
    _withdrawal_probe(lambda w: reverse("consent_withdrawal_impact", args=[w.pk]), title=True))
register_surface("admin : impact d'un retrait (page)", channels=["internal"], kind="notice", roles=STAFF_ROLES)(
    _withdrawal_probe(lambda w: reverse("consent_withdrawal_impact", args=[w.pk])))


def _notice(work):
    from .models import CuratorNotice

    notice = CuratorNotice.objects.create(message=f"Avis {work.title_fr.split()[-1]} : une œuvre à retirer.")
    notice.works.set([work])
    return notice


def _notice_probe(url_of):
    def probe(client, work, channel):
        from .models import CuratorNotice

        notice = CuratorNotice.objects.filter(works=work).order_by("pk").first()
        response = client.get(url_of(notice))
        return response.status_code == 200 and notice.message.encode() in response.content

    return probe


register_surface("admin : avis aux commissaires (liste)", channels=["internal"], kind="notice", roles=STAFF_ROLES,
                 setup=_notice)(_notice_probe(lambda n: reverse("consent_notice:index")))
register_surface("admin : avis aux commissaires, inspection", channels=["internal"], kind="notice",
                 roles=STAFF_ROLES)(_notice_probe(lambda n: reverse("consent_notice:inspect", args=[n.pk])))
register_surface("admin : avis aux commissaires (tableau de bord)", channels=["internal"], kind="notice",
                 roles=STAFF_ROLES)(_notice_probe(lambda n: reverse("wagtailadmin_home")))


@register_surface("admin : journal d'audit (recherche)", channels=["internal"], kind="admin", roles=("officer",))
def admin_audit_search(client, work, channel):
    from .models import AuditEntry

    token = work.title_fr.split()[-1]
    if not AuditEntry.objects.filter(object_repr__contains=token).exists():
        return None  # sans objet : rien n'a été journalisé pour cette œuvre
    response = client.get(reverse("consent_audit:index") + "?" + urlencode({"q": token}))
    return _title_in(response, work)


def _log_edit(work):
    """Une entrée du journal de Wagtail pour l'œuvre (ce qu'écrit une modification dans l'administration)."""
    from wagtail.log_actions import log
    from wagtail.models import ModelLogEntry

    if not ModelLogEntry.objects.for_instance(work).exists():
        log(instance=work, action="wagtail.edit")


@register_surface("admin : historique du site (rapport)", channels=["internal"], kind="admin",
                  roles=("curator", "curator_outside", "partner_admin", "officer"), setup=_log_edit)
def admin_site_history(client, work, channel):
    if _title_in(client.get(reverse("wagtailadmin_reports:site_history_results")), work):
        return True
    export = client.get(reverse("wagtailadmin_reports:site_history") + "?export=csv")
    body = b"".join(export.streaming_content) if getattr(export, "streaming", False) else export.content
    return export.status_code == 200 and work.title_fr.encode() in body
