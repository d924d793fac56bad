from django.urls import path

from .views import public, release, renditions, serve

app_name = "media_library"

urlpatterns = [
    path("archives/", public.work_list, name="work_list"),
    path("archives/<int:pk>-<str:slug>/", public.work_detail, name="work_detail"),
    path("archives/<int:pk>/", public.work_detail, name="work_detail_short"),
    # La porte : tous les fichiers d'œuvres. Le canal n'est PAS dans l'adresse : il vient du jeton émis par
    # la surface (media_library.links), à défaut le site web public.
    path("fichiers/original/<uuid:uuid>/<str:filename>", serve.serve_original, name="serve_original"),
    path("fichiers/image/<int:pk>/<str:filename>", serve.serve_image_rendition, name="serve_image_rendition"),
    path("fichiers/rendu/<uuid:uuid>/<str:filename>", renditions.serve_rendition, name="serve_rendition"),
    # Presse et diffusion : la page d'un lien signé remis à un·e destinataire nommé·e (ses fichiers passent
    # par la porte, sous /fichiers/).
    path("envoi/<str:token>/", release.release_link, name="release_link"),
]
