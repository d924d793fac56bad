from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Language, PartnerOrganisation, Project, Series, Theme, Work, WorkKind


class WorkFilterForm(forms.Form):
    """Filtres de la liste publique des archives (les mêmes que dans l'administration)."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous les types"))] + list(WorkKind.choices))
    project = forms.ModelChoiceField(label=_("Projet"), required=False, queryset=Project.objects.all(), empty_label=_("Tous les projets"), to_field_name="slug")
    series = forms.ModelChoiceField(label=_("Série"), required=False, queryset=Series.objects.all(), empty_label=_("Toutes les séries"), to_field_name="slug")
    theme = forms.ModelChoiceField(label=_("Thème"), required=False, queryset=Theme.objects.all(), empty_label=_("Tous les thèmes"), to_field_name="slug")
    partner = forms.ModelChoiceField(label=_("Partenaire"), required=False, queryset=PartnerOrganisation.objects.filter(is_protected_community=False), empty_label=_("Tous les partenaires"), to_field_name="slug")
    language = forms.ModelChoiceField(label=_("Langue"), required=False, queryset=Language.objects.all(), empty_label=_("Toutes les langues"), to_field_name="code")

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("project"):
            queryset = queryset.filter(project=data["project"])
        if data.get("series"):
            queryset = queryset.filter(series=data["series"])
        # Relations multiples par sous-requête (pas de jointure, donc ni doublons ni DISTINCT, qui obligerait la
        # base à lire tout le catalogue avant d'en couper une page).
        if data.get("theme"):
            queryset = queryset.filter(pk__in=Work.themes.through.objects.filter(theme=data["theme"]).values("work_id"))
        if data.get("partner"):
            queryset = queryset.filter(partner=data["partner"])
        if data.get("language"):
            queryset = queryset.filter(
                pk__in=Work.spoken_languages.through.objects.filter(language=data["language"]).values("work_id"))
        return queryset
