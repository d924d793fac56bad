"""Journalisation des fichiers servis ou refusés par la porte."""

from django.dispatch import receiver

from .models import ServedFile
from .signals import file_refused, file_served


def _key(obj):
    if obj is None:
        return ""
    return f"{obj._meta.label_lower}:{obj.pk}"


@receiver(file_served, dispatch_uid="media_library_log_served")
def log_served(sender, request, work, obj, channel, purpose, decision, **kwargs):
    byte_range = kwargs.get("byte_range")
    link = kwargs.get("release_link")
    user = request.user if request.user.is_authenticated else None
    if user is None and link is None and not decision.restricted and not purpose.startswith("original"):
        # Vignettes et rendus libres vus par le public : pas de journal (aucune donnée personnelle,
        # et une écriture en base par image ralentirait les pages).
        return
    ServedFile.objects.create(
        user=user,
        work=work,
        channel=str(channel),
        purpose=purpose[:80],
        object_label=str(obj)[:255],
        object_key=_key(obj),
        range_start=byte_range[0] if byte_range else None,
        range_end=byte_range[1] if byte_range else None,
        size=kwargs.get("size"),
        restricted=decision.restricted,
        allowed=True,
        release_link=link,
    )


@receiver(file_refused, dispatch_uid="media_library_log_refused")
def log_refused(sender, request, work, obj, channel, purpose, decision, **kwargs):
    user = request.user if request.user.is_authenticated else None
    ServedFile.objects.create(
        user=user,
        work=work,
        channel=str(channel),
        purpose=purpose[:80],
        object_label=str(obj)[:255],
        object_key=_key(obj),
        restricted=True,
        allowed=False,
        reason=str(decision.reason)[:255],
    )
