"""Vues d'administration du consentement : minces, elles appellent consent.flows et demandent la
politique pour chaque objet chargé (`policy.admin_get_or_404` : absent pour qui ne peut pas le connaître).

La preuve d'un consentement (un fichier) est servie par `media_library.views.evidence`, à côté de la
porte : `consent` n'importe pas `media_library`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import is_consent_officer
from ..flows.withdraw import impact_of, offline_copies, record_withdrawal, works_of_participant
from ..forms import WithdrawalForm
from ..models import CuratorNotice, Participant, Withdrawal
from ..policy import policy


def _require_officer(request):
    if not is_consent_officer(request.user):
        raise PermissionDenied


def withdraw(request, pk):
    _require_officer(request)
    participant = policy.admin_get_or_404(request, Participant.objects.all(), pk=pk)
    works_qs = works_of_participant(participant).order_by("title_fr")
    form = WithdrawalForm(request.POST or None, works_queryset=works_qs)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal, _impact = record_withdrawal(
                participant,
                user=request.user,
                channels=form.cleaned_data["channels"],
                works=list(form.cleaned_data["works"]),
                effective_on=form.cleaned_data["effective_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Retrait enregistré : il vaut dès maintenant sur toutes les surfaces."))
            return redirect("consent_withdrawal_impact", pk=withdrawal.pk)
    return render(
        request,
        "consent/admin/withdraw.html",
        {"participant": participant, "form": form, "works": works_qs},
    )


def withdrawal_impact(request, pk):
    if not (is_consent_officer(request.user) or request.user.has_perm("consent.view_curatornotice")):
        raise PermissionDenied
    withdrawal = policy.admin_get_or_404(request, Withdrawal.objects.select_related("participant"), pk=pk)
    works_qs = withdrawal.works.all() if withdrawal.works.exists() else works_of_participant(withdrawal.participant)
    works = list(works_qs)
    impact = impact_of(works)
    impact.held_recalled, impact.held_pending = offline_copies(works, since=withdrawal.created_at)
    # Les pages à vider et les téléchargements, pour agir ; les titres, seulement des œuvres que la
    # politique laisse encore connaître à cette personne.
    known = set(policy.admin_queryset(request.user, works_qs).values_list("pk", flat=True))
    hidden = len([w for w in impact.works if w.pk not in known])
    impact.works = [w for w in impact.works if w.pk in known]
    impact.clips = [c for c in impact.clips if c["work_id"] in known]
    impact.held_recalled = [c for c in impact.held_recalled if c.work_id in known]
    impact.held_pending = [c for c in impact.held_pending if c.work_id in known]
    return render(request, "consent/admin/withdrawal_impact.html",
                  {"withdrawal": withdrawal, "impact": impact, "hidden_works": hidden})


@require_POST
def resolve_notice(request, pk):
    if not request.user.has_perm("consent.change_curatornotice"):
        raise PermissionDenied
    notice = policy.admin_get_or_404(request, CuratorNotice.objects.all(), pk=pk)
    notice.resolved_at = timezone.now()
    notice.resolved_by = request.user
    notice.save(update_fields=["resolved_at", "resolved_by"])
    messages.success(request, _("Avis marqué comme traité."))
    return redirect(request.POST.get("next") or reverse("wagtailadmin_home"))
