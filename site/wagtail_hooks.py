"""Administration du socle : double authentification, corbeille des œuvres."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import twofactor
from .views import trash as trash_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("securite/double-authentification/", twofactor.setup, name="paroles_otp_setup"),
        path("securite/verification/", twofactor.verify, name="paroles_otp_verify"),
        path("corbeille/", trash_views.trash_index, name="paroles_trash_index"),
        path("corbeille/<int:pk>/restaurer/", trash_views.trash_restore, name="paroles_trash_restore"),
    ]


@hooks.register("insert_global_admin_js")
def javascript_catalogue():
    """Le catalogue des textes des scripts du projet (gettext()), avant les scripts des pages."""
    from django.utils.html import format_html

    return format_html('<script src="{}"></script>', reverse("javascript-catalog"))


@hooks.register("register_account_menu_item")
def register_otp_menu_item(request):
    return {
        "url": reverse("paroles_otp_setup"),
        "label": _("Double authentification"),
        "help_text": _("Protégez votre compte par un code à usage unique (application sur téléphone)."),
    }


class TrashMenuItem(MenuItem):
    def is_shown(self, request):
        return trash_views.can_manage_trash(request.user)


@hooks.register("register_admin_menu_item")
def register_trash_menu_item():
    return TrashMenuItem(_("Corbeille"), reverse("paroles_trash_index"), icon_name="bin", order=10000)


@hooks.register("before_delete_snippet")
def trash_instead_of_delete(request, instances):
    """Supprimer une œuvre (seule ou en lot) la met à la corbeille au lieu de l'effacer."""
    from media_library.models import Work

    if instances and all(isinstance(obj, Work) for obj in instances):
        return trash_views.confirm_trash(request, instances)
    return None


@hooks.register("construct_admin_api")
def register_empty_documents_endpoint(router):
    """Wagtail 8 lit `wagtailadmin_api:documents:listing` sur chaque page d'administration, même sans
    wagtail.documents (que nous n'installons pas : tout fichier passe par la porte). Sans ce point
    d'accès, toute l'administration (y compris la connexion) échoue. Il ne renvoie jamais rien."""
    if "documents" in router._endpoints:
        return
    from wagtail.admin.api.views import PagesAdminAPIViewSet

    class NoDocumentsAPIViewSet(PagesAdminAPIViewSet):
        def get_queryset(self):
            return super().get_queryset().none()

    router.register_endpoint("documents", NoDocumentsAPIViewSet)


@hooks.register("before_serve_page", order=-100)
def no_page_cache_behind_a_view_restriction(page, request, serve_args, serve_kwargs):
    """Une page protégée (mot de passe, connexion, groupes) n'est jamais gardée par le cache des pages :
    la vérification de Wagtail doit avoir lieu à chaque requête (paroles.pagecache). Sans requête de plus :
    les chemins protégés sont lus une fois par époque du consentement."""
    from .pagecache import is_restricted

    if is_restricted(page, request):
        request.paroles_no_page_cache = True
