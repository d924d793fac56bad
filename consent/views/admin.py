"""Vues d'administration du consentement : minces, elles appellent consent.flows."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import is_consent_officer
from ..flows.withdraw import impact_of, offline_copies, record_withdrawal, works_of_participant
from ..forms import WithdrawalForm
from ..models import ConsentRecord, CuratorNotice, Participant, Withdrawal


def _require_officer(request):
    if not is_consent_officer(request.user):
        raise PermissionDenied


def withdraw(request, pk):
    _require_officer(request)
    participant = get_object_or_404(Participant, pk=pk)
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
    withdrawal = get_object_or_404(Withdrawal.objects.select_related("participant"), pk=pk)
    works = list(withdrawal.works.all()) or list(works_of_participant(withdrawal.participant))
    impact = impact_of(works)
    impact.held_recalled, impact.held_pending = offline_copies(works, since=withdrawal.created_at)
    return render(request, "consent/admin/withdrawal_impact.html", {"withdrawal": withdrawal, "impact": impact})


def evidence(request, pk):
    """La preuve d'un consentement : par la porte, pour les responsables du consentement seulement."""
    from media_library.gate import serve_gated

    _require_officer(request)
    record = get_object_or_404(ConsentRecord, pk=pk)
    if not record.evidence_file:
        raise Http404
    name = record.evidence_file.name.rsplit("/", 1)[-1]
    return serve_gated(
        request,
        work=None,
        fieldfile=record.evidence_file,
        channel="internal",
        filename=f"preuve-consentement-{record.pk}-{name}",
        purpose="preuve-consentement",
        obj=record,
        restricted=True,
    )


@require_POST
def resolve_notice(request, pk):
    if not request.user.has_perm("consent.change_curatornotice"):
        raise PermissionDenied
    notice = get_object_or_404(CuratorNotice, pk=pk)
    notice.resolved_at = timezone.now()
    notice.resolved_by = request.user
    notice.save(update_fields=["resolved_at", "resolved_by"])
    messages.success(request, _("Avis marqué comme traité."))
    return redirect(request.POST.get("next") or reverse("wagtailadmin_home"))
