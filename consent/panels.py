"""Panneau « Consentement » sur la fiche d'une œuvre dans l'administration."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from .access import channel_summary, is_consent_officer, work_labels
from .channels import Channel


class ConsentPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "consent/admin/work_consent_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            work = self.instance
            context["work"] = work
            if not work or not work.pk:
                return context
            from .models import ConsentRecord, NoIdentifiablePersonDeclaration, Participation

            user = self.request.user
            officer = is_consent_officer(user)
            summary = channel_summary(work)
            context["officer"] = officer
            context["labels"] = work_labels([work], user=user).get(work.pk, [])
            context["channels"] = [
                {"label": label, "ok": summary[Channel(value)].ok, "code": summary[Channel(value)].code}
                for value, label in Channel.choices
            ]
            records = ConsentRecord.objects.filter(work=work) | ConsentRecord.objects.filter(
                workshop_id=work.workshop_id, workshop__isnull=False
            )
            context["records"] = records.select_related("participant", "workshop").order_by("participant__pseudonym", "-given_on")
            context["participations"] = Participation.objects.filter(work=work).select_related("participant")
            context["declaration"] = NoIdentifiablePersonDeclaration.objects.filter(work=work, revoked_on__isnull=True).first()
            return context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("heading", _("Consentement"))
        super().__init__(*args, **kwargs)
