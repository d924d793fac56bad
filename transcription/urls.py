from django.urls import path

from .views import public, serve

app_name = "transcription"

urlpatterns = [
    # La porte : pistes publiées (WebVTT, SRT) et versions téléphone sous-titrées.
    path("fichiers/<str:channel>/piste/<int:pk>/<str:filename>", serve.serve_track, name="serve_track"),
    path("fichiers/<str:channel>/sous-titre/<int:pk>/<str:filename>", serve.serve_subtitled, name="serve_subtitled"),
    path("archives/recherche-paroles/", public.search, name="search"),
]
