"""Vignettes tirées des rendus (affiche, couverture), pour les listes des archives et l'accueil."""


def rendition_thumbnail(files):
    """Vidéo : l'affiche ; PDF (livre, dépliant) : la couverture. Rendus produits par le traitement, servis
    par la porte (canal « site web »). None si aucun n'existe encore."""
    for kind in ("poster", "pdf_cover"):
        for media in files:
            rendition = media.get_rendition(kind)
            if rendition is not None:
                return {"url": rendition.get_serve_url("website"), "width": rendition.width,
                        "height": rendition.height, "document": kind == "pdf_cover"}
    return None
