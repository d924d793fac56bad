"""Surfaces de l'administration des œuvres (viewset Wagtail, sélecteur, pages de media_library),
inscrites pour le test matrice : chacune ne montre une œuvre qu'à qui la politique la laisse connaître."""

from urllib.parse import urlencode

from django.urls import reverse

from consent.surfaces import register_surface


def _title_in(response, work):
    return response.status_code == 200 and work.title_fr.encode() in response.content


def _token(work):
    return work.title_fr.split()[-1]


def _admin_page(name):
    def probe(client, work, channel):
        return _title_in(client.get(reverse(f"wagtailsnippets_media_library_work:{name}", args=[work.pk])), work)

    return probe


VIEW_ROLES = ("curator", "curator_outside", "partner_admin", "officer")  # permission « voir une œuvre »
CHANGE_ROLES = ("curator", "curator_outside", "officer")  # permission « modifier une œuvre »

# (La suppression n'est permise à aucun rôle : sa vue est gardée de même, et vérifiée par
# consent/tests/test_one_policy.py::test_refused_looks_like_absent.)
for _name, _label, _roles in (("edit", "fiche", CHANGE_ROLES), ("inspect", "inspection", VIEW_ROLES),
                              ("history", "historique", CHANGE_ROLES), ("usage", "usages", CHANGE_ROLES)):
    register_surface(f"admin : œuvre, {_label}", channels=["internal"], kind="admin", roles=_roles)(_admin_page(_name))


@register_surface("admin : liste des œuvres, recherche", channels=["internal"], kind="admin", roles=VIEW_ROLES)
def admin_list_search(client, work, channel):
    url = reverse("wagtailsnippets_media_library_work:list") + "?" + urlencode({"q": _token(work)})
    return _title_in(client.get(url), work)


@register_surface("admin : sélecteur d'œuvres (recherche)", channels=["internal"], kind="admin", roles=VIEW_ROLES)
def admin_chooser(client, work, channel):
    url = reverse("wagtailsnippetchoosers_media_library_work:choose_results") + "?" + urlencode({"q": _token(work)})
    return _title_in(client.get(url), work)


@register_surface("admin : sélecteur d'œuvres (œuvre choisie)", channels=["internal"], kind="admin", roles=VIEW_ROLES)
def admin_chosen(client, work, channel):
    return _title_in(client.get(reverse("wagtailsnippetchoosers_media_library_work:chosen", args=[work.pk])), work)


@register_surface("admin : fichiers de l'œuvre", channels=["internal"], kind="admin", roles=CHANGE_ROLES)
def admin_files(client, work, channel):
    return _title_in(client.get(reverse("media_library_work_files", args=[work.pk])), work)


@register_surface("admin : rendus de l'œuvre", channels=["internal"], kind="admin", roles=CHANGE_ROLES)
def admin_renditions(client, work, channel):
    return _title_in(client.get(reverse("media_library_work_renditions", args=[work.pk])), work)


@register_surface("admin : chapitres de l'œuvre", channels=["internal"], kind="admin", roles=CHANGE_ROLES)
def admin_chapters(client, work, channel):
    return _title_in(client.get(reverse("media_library_chapters", args=[work.pk])), work)


def _job(work):
    from .models import ProcessingJob

    media = work.files.first()
    if not ProcessingJob.objects.filter(media_file=media).exists():
        ProcessingJob.objects.create(media_file=media, status=ProcessingJob.Status.DONE, progress=100)


@register_surface("admin : travaux de fond (liste)", channels=["internal"], kind="admin", roles=CHANGE_ROLES,
                  setup=_job)
def admin_jobs(client, work, channel):
    return _title_in(client.get(reverse("media_library_jobs") + f"?oeuvre={work.pk}"), work)


def _archive_image(work):
    """L'image Wagtail d'une œuvre (faite à l'arrivée pour les body maps, Photo Voice et dessins)."""
    from .processing.images import ensure_archive_image

    for media in work.files.all():
        if media.media_type == "image":
            ensure_archive_image(media)


@register_surface("admin : sélecteur d'images (recherche)", channels=["internal"], kind="admin", roles=VIEW_ROLES,
                  setup=_archive_image)
def admin_image_chooser(client, work, channel):
    url = reverse("wagtailimages_chooser:choose_results") + "?" + urlencode({"q": _token(work)})
    return _title_in(client.get(url), work)


@register_surface("admin : sélecteur d'images (image choisie)", channels=["internal"], kind="admin", roles=VIEW_ROLES,
                  setup=_archive_image)
def admin_image_chosen(client, work, channel):
    image = next((m.image for m in work.files.all() if m.media_type == "image" and m.image_id), None)
    if image is None:
        return None
    return _title_in(client.get(reverse("wagtailimages_chooser:chosen", args=[image.pk])), work)
