"""Administration des interfaces des partenaires : le téléchargement IATI du tableau de bord."""

from django.urls import path
from wagtail import hooks

from .iati import views as iati_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("interop/iati.xml", iati_views.download, name="interop_iati_download")]
