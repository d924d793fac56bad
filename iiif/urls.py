"""Routes IIIF. Le premier segment est l'espace : `web` (site public, canal « site web ») ou `m-<jeton>`
(canal « exposition au musée », jeton signé et daté qu'émet la page d'écoute du musée : iiif.views.space_for). Chaque route repasse par la porte ou par la fonction d'accès."""

from django.urls import path, re_path

from . import views

app_name = "iiif"

SPACE = r"(?P<space>web|m-[0-9A-Za-z_:\-]+)"
UUID = r"(?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"

urlpatterns = [
    path("iiif/auth/acces", views.auth_access, name="auth_access"),
    path("iiif/auth/jeton", views.auth_token, name="auth_token"),
    path("iiif/auth/sortie", views.auth_logout, name="auth_logout"),
    re_path(rf"^iiif/{SPACE}/image/{UUID}$", views.image_base, name="image_base"),
    re_path(rf"^iiif/{SPACE}/image/{UUID}/info\.json$", views.image_info, name="image_info"),
    re_path(rf"^iiif/{SPACE}/image/{UUID}/probe$", views.image_probe, name="image_probe"),
    re_path(
        rf"^iiif/{SPACE}/image/{UUID}/(?P<region>[^/]+)/(?P<size>[^/]+)/(?P<rotation>[^/]+)/(?P<quality_format>[^/]+)$",
        views.image_tile, name="image_tile",
    ),
    re_path(rf"^iiif/{SPACE}/oeuvre/(?P<pk>\d+)/manifest\.json$", views.work_manifest, name="work_manifest"),
    re_path(rf"^iiif/{SPACE}/exposition/(?P<pk>\d+)/manifest\.json$", views.exhibition_manifest,
            name="exhibition_manifest"),
    re_path(rf"^iiif/{SPACE}/exposition/(?P<pk>\d+)/bloc/(?P<block>[0-9a-f-]{{36}})/manifest\.json$",
            views.block_manifest, name="block_manifest"),
    re_path(rf"^iiif/{SPACE}/exposition/(?P<pk>\d+)/bloc/(?P<block>[0-9a-f-]{{36}})/annotations\.json$",
            views.block_annotations, name="block_annotations"),
]
