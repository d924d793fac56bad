"""Double authentification (TOTP) pour l'équipe, dans l'administration Wagtail.

- `setup` : crée un appareil non confirmé, montre le QR code (segno, SVG servi dans la page) et la clé ;
  l'appareil n'est confirmé qu'après la saisie d'un premier code juste. Peut aussi le retirer.
- `verify` : après le mot de passe, demande le code ; `django_otp.login` marque la session vérifiée.
Le contrôle lui-même est dans paroles.security.AdminSecurityMiddleware.
"""

import io

import segno
from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "application"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code à 6 chiffres"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


def _next_url(request, default="wagtailadmin_home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    from django.urls import reverse

    return reverse(default)


def qr_svg(data):
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True, omitsize=False)
    return mark_safe(buffer.getvalue().decode("utf-8"))  # noqa: S308 - SVG produit par segno, sans donnée utilisateur


@never_cache
def verify(request):
    devices = list(TOTPDevice.objects.devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect("paroles_otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        for device in devices:
            if device.verify_token(token):
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error("token", _("Code incorrect ou expiré. Vérifiez l'heure de votre téléphone et réessayez."))
    return TemplateResponse(
        request,
        "paroles/security/otp_verify.html",
        {"form": form, "next": request.GET.get("next", ""), "page_title": _("Double authentification")},
    )


@never_cache
def setup(request):
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if request.method == "POST" and request.POST.get("action") == "remove" and confirmed:
        if not (user.is_verified()):
            messages.error(request, _("Saisissez d'abord votre code pour pouvoir retirer l'appareil."))
            return redirect("paroles_otp_verify")
        TOTPDevice.objects.filter(user=user).delete()
        messages.success(request, _("La double authentification est désactivée pour votre compte."))
        return redirect("paroles_otp_setup")
    if confirmed:
        return TemplateResponse(
            request,
            "paroles/security/otp_setup.html",
            {"confirmed": confirmed, "page_title": _("Double authentification")},
        )
    device, _created = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": DEVICE_NAME})
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Double authentification activée : un code vous sera demandé à chaque connexion."))
            return redirect(_next_url(request))
        form.add_error("token", _("Code incorrect. Scannez le QR code puis saisissez le code affiché par l'application."))
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return TemplateResponse(
        request,
        "paroles/security/otp_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg(device.config_url),
            "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
            "next": request.GET.get("next", ""),
            "page_title": _("Double authentification"),
        },
    )
