"""Le français de l'administration, accordé au modèle : « Nouvelle œuvre », « Œuvre « X » créée. »,
« Le projet n'a pas pu être créé », au lieu des formules génériques de Wagtail (« Nouvel(le) : Œuvre »,
« Le(la) œuvre n'a pas pu être créé(e) »).

Chaque modèle déclare son genre ici (et son élision) ; `FrenchWordingMixin` se place devant la classe
d'un viewset (SnippetViewSet ou ModelViewSet) et donne à ses vues d'ajout, de modification et de
suppression ces phrases-là.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# « f » : féminin ; « m » : masculin. Les noms commençant par une voyelle prennent l'élision (« l' »).
GENDERS = {
    "media_library.work": "f",
    "media_library.project": "m",
    "media_library.partnerorganisation": "f",
    "media_library.series": "f",
    "media_library.theme": "m",
    "media_library.workshop": "m",
    "media_library.language": "f",
    "media_library.contentwarning": "m",
    "consent.participant": "f",  # « participant·e » : la fiche (« Nouvelle fiche »)
    "consent.sensitiveattributes": "f",  # « attributs sensibles » (pluriel) : la fiche
    "consent.consentrecord": "m",
    "consent.participation": "f",
    "consent.withdrawal": "m",
    "consent.noidentifiablepersondeclaration": "f",
    "consent.auditentry": "f",
    "consent.curatornotice": "m",
    "communication.communicationplan": "m",
    "communication.screening": "f",
    "communication.place": "m",
    # Les lignes des formulaires (InlinePanel) : « Ajouter une activité », « Ajouter un indicateur ».
    "communication.planaudience": "m",
    "communication.plannedactivity": "f",
    "communication.indicator": "m",
    "exhibitions.toolkitmaterial": "m",
    "exhibitions.exhibitionpage": "f",
    "exhibitions.exhibitionindexpage": "f",
    "exhibitions.toolkitpage": "f",
}
# Le nom à employer quand le nom du modèle ne se prête pas à l'accord (écriture inclusive).
NOUNS = {"consent.participant": "fiche de participant·e", "consent.sensitiveattributes": "fiche d'attributs sensibles"}
VOWELS = "aeiouyhâàéèêœæîïôûAEIOUYHÂÀÉÈÊŒÆÎÏÔÛ"


def _label(model):
    return model._meta.label_lower


def noun(model):
    return NOUNS.get(_label(model)) or str(model._meta.verbose_name)


def is_feminine(model):
    return GENDERS.get(_label(model), "m") == "f"


def _elides(word):
    return word[:1] in VOWELS


def definite(model):
    """« l'œuvre », « le projet », « la série »."""
    word = noun(model)
    if _elides(word):
        return pgettext("article élidé", "l'%(noun)s") % {"noun": word}
    if is_feminine(model):
        return pgettext("article féminin", "la %(noun)s") % {"noun": word}
    return pgettext("article masculin", "le %(noun)s") % {"noun": word}


def new_title(model):
    """« Nouvelle œuvre », « Nouveau projet », « Nouvel atelier »."""
    word = noun(model)
    if is_feminine(model):
        return _("Nouvelle %(noun)s") % {"noun": word}
    if _elides(word):
        return _("Nouvel %(noun)s") % {"noun": word}
    return _("Nouveau %(noun)s") % {"noun": word}


def add_label(model):
    """« Ajouter une œuvre », « Ajouter un projet » : le bouton de la liste."""
    word = noun(model)
    if is_feminine(model):
        return _("Ajouter une %(noun)s") % {"noun": word}
    return _("Ajouter un %(noun)s") % {"noun": word}


def add_child_label(model, label):
    """Le bouton d'ajout d'une ligne de formulaire (InlinePanel) : son libellé, accordé au modèle de la ligne.
    Un modèle sans genre déclaré (ceux de Wagtail) garde la formule neutre « Ajouter : … »."""
    word = str(label)
    word = word[:1].lower() + word[1:] if word[1:2].islower() else word
    if model is None or _label(model) not in GENDERS:
        return _("Ajouter : %(label)s") % {"label": word}
    if is_feminine(model):
        return _("Ajouter une %(noun)s") % {"noun": word}
    return _("Ajouter un %(noun)s") % {"noun": word}


def _participle(model, feminine, masculine):
    return feminine if is_feminine(model) else masculine


def created(model, obj):
    return _("%(noun)s « %(object)s » %(done)s.") % {
        "noun": capfirst(noun(model)), "object": obj, "done": _participle(model, _("créée"), _("créé"))}


def updated(model, obj):
    return _("%(noun)s « %(object)s » %(done)s.") % {
        "noun": capfirst(noun(model)), "object": obj, "done": _participle(model, _("enregistrée"), _("enregistré"))}


def deleted(model, obj):
    return _("%(noun)s « %(object)s » %(done)s.") % {
        "noun": capfirst(noun(model)), "object": obj, "done": _participle(model, _("supprimée"), _("supprimé"))}


def not_created(model):
    return _("%(the_noun)s n'a pas pu être %(done)s : corrigez les champs signalés.") % {
        "the_noun": capfirst(definite(model)), "done": _participle(model, _("créée"), _("créé"))}


def not_saved(model):
    return _("%(the_noun)s n'a pas pu être %(done)s : corrigez les champs signalés.") % {
        "the_noun": capfirst(definite(model)), "done": _participle(model, _("enregistrée"), _("enregistré"))}


class _CreateWording:
    def get_success_message(self, instance=None):
        return created(self.model, instance or self.object)

    def get_error_message(self):
        if getattr(self, "expects_json_response", False):
            return super().get_error_message()
        return not_created(self.model)

    def get_breadcrumbs_items(self):
        items = list(super().get_breadcrumbs_items())
        if items:
            items[-1] = {**items[-1], "label": new_title(self.model)}
        return items

    def get_page_title(self):
        return new_title(self.model)

    def get_page_subtitle(self):
        return ""


class _IndexWording:
    @property
    def add_item_label(self):
        return add_label(self.model) if self.model else super().add_item_label


class _EditWording:
    def get_success_message(self, instance=None):
        return updated(self.model, instance or self.object)

    def get_error_message(self):
        if getattr(self, "expects_json_response", False):
            return super().get_error_message()
        return not_saved(self.model)


class _DeleteWording:
    def get_success_message(self):
        return deleted(self.model, self.object)


def _with(mixin, view_class):
    return type(view_class.__name__, (mixin, view_class), {"__module__": __name__})


class FrenchWordingMixin:
    """À placer devant SnippetViewSet / ModelViewSet : ses vues parlent un français accordé au modèle."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for attr, mixin in (("index_view_class", _IndexWording), ("add_view_class", _CreateWording), ("edit_view_class", _EditWording),
                            ("delete_view_class", _DeleteWording)):
            view_class = getattr(cls, attr, None)
            if view_class is not None and not issubclass(view_class, mixin):
                setattr(cls, attr, _with(mixin, view_class))
