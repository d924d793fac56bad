"""Administration : remettre un lien presse/diffusion signé et daté à une personne nommée, le révoquer."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..flows.release_links import issue_release_link, may_issue, revoke_release_link
from ..models import ReleaseLink, Work


class ReleaseLinkForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Canal"), choices=ReleaseLink._meta.get_field("channel").choices)
    recipient = forms.CharField(label=gettext_lazy("Destinataire (nom de la personne)"), max_length=200)
    organisation = forms.CharField(label=gettext_lazy("Média ou organisation"), max_length=200, required=False)
    expires_on = forms.DateField(label=gettext_lazy("Expire le"), widget=forms.DateInput(attrs={"type": "date"}))


def _work_for(request, pk):
    work = get_object_or_404(Work, pk=pk)
    if not may_issue(request.user, work):
        raise Http404  # comme une œuvre inconnue
    return work


def release_links(request, pk):
    work = _work_for(request, pk)
    initial = {"expires_on": timezone.localdate() + datetime.timedelta(days=14), "channel": "press_social"}
    form = ReleaseLinkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            link = issue_release_link(work, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Lien remis à %(who)s : copiez-le et envoyez-le-lui.") % {"who": link.recipient})
            return redirect("media_library_release_links", pk=work.pk)
    links = list(work.release_links.select_related("created_by").order_by("-created_at"))
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    for link in links:
        link.full_url = base + link.get_absolute_url() if link.is_active else ""
        link.download_count = link.served_files.count()
    return TemplateResponse(request, "media_library/admin/release_links.html", {
        "work": work, "form": form, "links": links,
        "page_title": _("Liens presse et diffusion de « %(title)s »") % {"title": work.title_fr},
    })


@require_POST
def release_link_revoke(request, pk, link_pk):
    work = _work_for(request, pk)
    link = get_object_or_404(ReleaseLink, pk=link_pk, work=work)
    revoke_release_link(link, user=request.user)
    messages.success(request, _("Lien révoqué : il ne sert plus rien."))
    return redirect("media_library_release_links", pk=work.pk)
