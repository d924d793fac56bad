from django.urls import path

from .views import offline, public

app_name = "exhibitions"

urlpatterns = [
    path("expositions/ecouter/<int:page_pk>/<int:work_pk>/", public.listen, name="listen"),
    # Le QR code du cartel d'un extrait (bloc « Extrait (chapitre) ») : la fenêtre en millisecondes.
    path("expositions/ecouter/<int:page_pk>/<int:work_pk>/extrait/<int:start_ms>-<int:end_ms>/", public.listen_clip,
         name="listen_clip"),
    path("animateurs/connexion/", public.FacilitatorLoginView.as_view(), name="login"),
    path("animateurs/deconnexion/", public.FacilitatorLogoutView.as_view(), name="logout"),
    # La boîte à outils hors ligne (application installable, portée /boite-a-outils/hors-ligne/).
    path("boite-a-outils/hors-ligne/", offline.app, name="offline"),
    path("boite-a-outils/hors-ligne/manifest.webmanifest", offline.manifest, name="offline_manifest"),
    path("boite-a-outils/hors-ligne/sw.js", offline.service_worker, name="offline_sw"),
    path("boite-a-outils/hors-ligne/api/session/", offline.api_session, name="offline_session"),
    path("boite-a-outils/hors-ligne/api/synchroniser/", offline.api_sync, name="offline_sync"),
    path("boite-a-outils/hors-ligne/api/deconnexion/", offline.logout, name="offline_logout"),
]
