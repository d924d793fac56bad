from django.urls import path

from .views import public, serve

app_name = "transcription"

urlpatterns = [
    # La porte (canal posé par la surface, voir media_library.links) : pistes publiées (WebVTT, SRT) et versions téléphone sous-titrées.
    path("fichiers/piste/<int:pk>/<str:filename>", serve.serve_track, name="serve_track"),
    path("fichiers/piste/<int:pk>/extrait/<int:start_ms>-<int:end_ms>/<str:filename>", serve.serve_track_window,
         name="serve_track_window"),
    path("fichiers/sous-titre/<int:pk>/<str:filename>", serve.serve_subtitled, name="serve_subtitled"),
    path("archives/recherche-paroles/", public.search, name="search"),
]
