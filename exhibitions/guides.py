"""Le guide de discussion d'un support, en PDF, gardé dans le stockage privé (servi par la porte)."""

from django.core.files.base import ContentFile

from .pdf import guide_pdf


def ensure_guide_pdf(material):
    """Régénère le PDF si le guide a changé (ou si le fichier manque). Nom déterministe par contenu."""
    fingerprint = material.guide_fingerprint()
    field = material.guide_pdf
    if material.guide_hash == fingerprint and field and field.storage.exists(field.name):
        return field
    name = f"toolkit/guides/{material.pk}-{fingerprint[:16]}.pdf"
    storage = field.storage
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(guide_pdf(material)))
    else:
        saved = name
    material.guide_pdf.name = saved
    material.guide_hash = fingerprint
    type(material).objects.filter(pk=material.pk).update(guide_pdf=saved, guide_hash=fingerprint)
    return material.guide_pdf
