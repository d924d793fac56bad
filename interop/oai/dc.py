"""Dublin Core simple (oai_dc) d'une œuvre visible du public : ce que la page publique montre, rien de plus.

Ni lieu de réalisation (une condition « aucun lieu nommé » peut l'interdire), ni nom de participant·e.
"""

from django.conf import settings
from lxml import etree

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

DCMI_TYPE = {
    "film": "MovingImage", "capsule": "MovingImage", "performance": "MovingImage", "podcast": "Sound",
    "body_map": "StillImage", "photovoice": "StillImage", "drawing": "StillImage", "book": "Text", "leaflet": "Text",
}


def dublin_core_fields(work, *, page_url=""):
    """(élément, valeur, langue) : partagé par OAI-PMH et l'export BagIt."""
    out = [("title", work.title_fr, "fr")]
    if work.title_bm:
        out.append(("title", work.title_bm, "bm"))
    if work.description_fr:
        out.append(("description", work.description_fr, "fr"))
    if work.description_bm:
        out.append(("description", work.description_bm, "bm"))
    out.append(("type", DCMI_TYPE.get(work.kind, "Text"), None))
    out.append(("type", str(work.get_kind_display()), "fr"))
    if work.date_made:
        out.append(("date", work.date_made.isoformat(), None))
    elif work.date_made_text:
        out.append(("date", work.date_made_text, None))
    for theme in work.themes.all():
        out.append(("subject", theme.name, "fr"))
    for lang in work.spoken_languages.all():
        out.append(("language", lang.code, None))
    if work.project_id:
        out.append(("relation", work.project.name, "fr"))
    out.append(("publisher", settings.WAGTAIL_SITE_NAME, None))
    out.append(("rights", str(work.get_licence_display()), "fr"))
    for media in work.files.all():
        out.append(("format", media.mime_type, None))
    if page_url:
        out.append(("identifier", page_url, None))
    return out


def oai_dc(request, work):
    root = etree.Element(f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    for name, value, lang in dublin_core_fields(work, page_url=request.build_absolute_uri(work.get_absolute_url())):
        el = etree.SubElement(root, f"{{{DC}}}{name}")
        el.text = value
        if lang:
            el.set(XML_LANG, lang)
    return root
