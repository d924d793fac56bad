from django.urls import path

from .views import public, renditions, serve

app_name = "media_library"

urlpatterns = [
    path("archives/", public.work_list, name="work_list"),
    path("archives/<int:pk>-<str:slug>/", public.work_detail, name="work_detail"),
    path("archives/<int:pk>/", public.work_detail, name="work_detail_short"),
    # La porte : tous les fichiers d'œuvres.
    path("fichiers/<str:channel>/original/<uuid:uuid>/<str:filename>", serve.serve_original, name="serve_original"),
    path("fichiers/<str:channel>/image/<int:pk>/<str:filename>", serve.serve_image_rendition, name="serve_image_rendition"),
    path("fichiers/<str:channel>/rendu/<uuid:uuid>/<str:filename>", renditions.serve_rendition, name="serve_rendition"),
]
