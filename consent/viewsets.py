"""Les viewsets Wagtail des œuvres et de leurs dérivés demandent la politique, pour chaque vue.

`PolicyViewSetMixin` (à mettre devant `SnippetViewSet` ou `ModelViewSet`) :
- `get_queryset` (liste, recherche, filtres, exports de la liste) = `policy.admin_queryset` ;
- chaque vue construite par le viewset (fiche, inspection, historique, usages, suppression,
  révisions, comparaison, aperçu, verrou, flux de validation…) vérifie l'objet qu'elle charge avec
  `policy.may_know` et répond 404, exactement comme pour un objet absent ;
- son sélecteur (chooser) filtre sa liste, sa recherche et l'objet choisi de la même façon.
"""

from django.http import Http404

from .policy import policy


class _GuardedObject:
    """Une vue qui charge UN objet : absent (404) si la personne ne peut pas le connaître."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is not None and getattr(obj, "pk", None) is not None and not policy.may_know(self.request.user, obj):
            raise Http404
        return obj


class _GuardedList:
    """Une vue qui liste ou choisit des objets : seulement ceux que la personne peut connaître."""

    def get_object_list(self, *args, **kwargs):
        return policy.admin_queryset(self.request.user, super().get_object_list(*args, **kwargs))

    def get_objects(self, *args, **kwargs):
        return policy.admin_queryset(self.request.user, super().get_objects(*args, **kwargs))


class _GuardedIndex:
    """Une liste de viewset (index, recherche, filtres, export) : seulement ce que la personne connaît."""

    def get_base_queryset(self, *args, **kwargs):
        queryset = super().get_base_queryset(*args, **kwargs)
        if not policy.knows_model(queryset.model):
            return queryset  # ex. le journal d'un objet (historique) : l'objet lui-même est vérifié
        return policy.admin_queryset(self.request.user, queryset)


def guard(view_class):
    bases = []
    if hasattr(view_class, "get_base_queryset"):
        bases.append(_GuardedIndex)
    if hasattr(view_class, "get_object"):
        bases.append(_GuardedObject)
    if hasattr(view_class, "get_object_list") or hasattr(view_class, "get_objects"):
        bases.append(_GuardedList)
    if not bases:
        return view_class
    return type(f"Policy{view_class.__name__}", (*bases, view_class), {"__module__": __name__})


class PolicyViewSetMixin:
    def construct_view(self, view_class, **kwargs):
        return super().construct_view(guard(view_class), **kwargs)

    def get_queryset(self, request):
        base = getattr(super(), "get_queryset", lambda request: None)(request)
        if base is None:
            base = self.model._default_manager.all()
        return policy.admin_queryset(request.user, base)

    @property
    def chooser_viewset(self):
        viewset = super().chooser_viewset
        original = viewset.construct_view

        def construct_view(view_class, **kwargs):
            return original(guard(view_class), **kwargs)

        viewset.construct_view = construct_view
        return viewset
