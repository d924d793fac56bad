from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class FacilitatorLoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Identifiant ou mot de passe incorrect. Vérifiez les majuscules et réessayez."),
        "inactive": _("Ce compte est désactivé. Contactez la coordination de votre organisation."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Identifiant")
        self.fields["password"].label = _("Mot de passe")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
