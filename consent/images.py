"""La politique des images Wagtail, sous le consentement.

L'image Wagtail d'une body map, d'une photo Photo Voice ou d'un dessin porte le titre de son œuvre. Les vues
de Wagtail (sélecteur d'images, image choisie, choix du format, fiche, usages) demandent toutes la politique
enregistrée pour le modèle d'image (`policy_registry`). Celle-ci garde les règles de collection de Wagtail
ET demande la politique du consentement (`policy.may_know`, `policy.admin_queryset`) : une image n'y paraît
que pour qui peut connaître son œuvre (une image sans œuvre : l'équipe). Elle est enregistrée par
`consent.images_app.WagtailImagesUnderConsentConfig.ready()`, juste après celle de Wagtail, qu'elle remplace.
"""

from wagtail.images import get_image_model
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permissions import register_permission_policy

from .policy import policy


class ImagePolicy(CollectionOwnershipPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        return super().user_has_permission_for_instance(user, action, instance) and policy.may_know(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return (super().user_has_any_permission_for_instance(user, actions, instance)
                and policy.may_know(user, instance))

    def _known(self, user, queryset):
        # Par clé primaire : le sélecteur cherche ensuite dans ces images (la recherche de Wagtail ne filtre
        # que sur des champs indexés, et l'œuvre d'une image n'en est pas un).
        known = policy.admin_queryset(user, queryset.model._default_manager.all()).values("pk")
        return queryset.filter(pk__in=list(known.values_list("pk", flat=True)))

    def instances_user_has_permission_for(self, user, action):
        return self._known(user, super().instances_user_has_permission_for(user, action))

    def instances_user_has_any_permission_for(self, user, actions):
        return self._known(user, super().instances_user_has_any_permission_for(user, actions))


def register():
    model = get_image_model()
    register_permission_policy(model, ImagePolicy(model, auth_model="wagtailimages.Image",
                                                  owner_field_name="uploaded_by_user"))


def _absent_when_refused(view_class):
    """Une image refusée répond 404 comme une image absente (Wagtail lèverait PermissionDenied : une
    redirection avec un message, qui dirait qu'elle existe)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    class Guarded(view_class):
        def get_object(self, pk):
            try:
                return super().get_object(pk)
            except PermissionDenied:
                raise Http404 from None

    Guarded.__name__ = Guarded.__qualname__ = f"Guarded{view_class.__name__}"
    return Guarded


def guard_chooser_views():
    """L'image choisie et le choix du format du sélecteur d'images : refusé = absent. Appelé avant que
    l'administration ne construise ses adresses (ready())."""
    from wagtail.images.views.chooser import viewset

    viewset.chosen_view_class = _absent_when_refused(viewset.chosen_view_class)
    viewset.select_format_view_class = _absent_when_refused(viewset.select_format_view_class)
