"""Formulaires de l'administration du consentement (messages en français)."""

from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .channels import Channel
from .models import today

EVIDENCE_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".webp", ".mp3", ".m4a", ".ogg", ".opus", ".wav", ".aac"}
EVIDENCE_MAX_SIZE = 200 * 1024 * 1024


class ChannelsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Channel.choices)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class ConsentRecordForm(WagtailAdminModelForm):
    channels = ChannelsField(
        label=_("Canaux accordés"), help_text=_("Un canal non coché est refusé : une réponse manquante vaut non.")
    )

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and hasattr(upload, "size"):
            ext = PurePath(upload.name).suffix.lower()
            if ext not in EVIDENCE_EXTENSIONS:
                raise ValidationError(
                    _("Preuve refusée : formats acceptés PDF, image (JPEG, PNG, WebP) ou audio (MP3, M4A, OGG, WAV).")
                )
            if upload.size == 0:
                raise ValidationError(_("Le fichier de preuve est vide."))
            if upload.size > EVIDENCE_MAX_SIZE:
                raise ValidationError(_("Le fichier de preuve dépasse 200 Mo."))
            head = upload.read(16)
            upload.seek(0)
            if head.lstrip().lower().startswith((b"<", b"mz")):
                raise ValidationError(_("Ce fichier n'est pas un document ou un enregistrement valide."))
        return upload

    def clean(self):
        cleaned = super().clean()
        self.warnings = []
        has_file = bool(cleaned.get("evidence_file")) or bool(self.instance.pk and self.instance.evidence_file)
        if cleaned.get("evidence_kind") == "oral" and not has_file:
            self.warnings.append(_(
                "Consentement oral enregistré sans fichier de preuve : ajoutez l'enregistrement audio dès que "
                "possible (le nom du témoin seul ne suffit pas à le prouver)."
            ))
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit=False)
        if instance.pk is None and self.for_user is not None:
            instance.recorded_by = self.for_user
        if commit:
            instance.save()
            self.save_m2m()
        return instance


class WithdrawalForm(forms.Form):
    channels = ChannelsField(
        label=_("Canaux retirés"), help_text=_("Aucun canal coché : le retrait vaut pour tous les canaux.")
    )
    works = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label=_("Œuvres concernées"),
        help_text=_("Aucune œuvre cochée : le retrait vaut pour toutes ses œuvres."),
    )
    effective_on = forms.DateField(
        # <input type="date"> n'accepte que AAAA-MM-JJ : au format français (jj/mm/aaaa), le champ
        # s'affichait vide et le premier envoi échouait.
        label=_("Prend effet le"), initial=today, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Saisissez une date valide (jj/mm/aaaa).")},
    )
    reason = forms.CharField(label=_("Motif (interne)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, works_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["works"].queryset = works_queryset

    def clean_effective_on(self):
        value = self.cleaned_data["effective_on"]
        if value > today():
            raise ValidationError(_("Un retrait ne peut pas être daté dans le futur : il prend effet aujourd'hui au plus tard."))
        return value


class ChaptersField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, chapter):
        return f"{chapter.work.title_fr} · {chapter.title_fr} ({chapter.span_label})"


class ParticipationForm(WagtailAdminModelForm):
    """« Cette personne est dans cette œuvre », et, si elle n'y paraît qu'en partie, dans quels chapitres :
    un extrait qui ne la montre pas peut alors être publié sans son consentement (l'œuvre entière, jamais)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "chapters" in self.fields:
            from django.apps import apps

            from .policy import policy

            # Le consentement est sous le catalogue (contrat « apps ») : le modèle est lu dans le registre.
            chapters = apps.get_model("media_library", "Chapter").objects
            queryset = chapters.select_related("work").order_by("work__title_fr", "start", "pk")
            if self.for_user is not None:
                queryset = policy.admin_queryset(self.for_user, queryset)  # chapitres d'œuvres qu'elle connaît
            field = self.fields["chapters"]
            self.fields["chapters"] = ChaptersField(
                queryset=queryset, required=False, label=field.label, help_text=field.help_text)

    def clean(self):
        cleaned = super().clean()
        work = cleaned.get("work")
        foreign = [c for c in cleaned.get("chapters") or [] if work is not None and c.work_id != work.pk]
        if foreign:
            self.add_error("chapters", _("Ces chapitres ne sont pas dans l'œuvre choisie : %(list)s.") % {
                "list": ", ".join(f"« {c.title_fr} » ({c.work.title_fr})" for c in foreign)})
        return cleaned
