from django.urls import path

from .views import journal

app_name = "communication"

urlpatterns = [
    path("journal/", journal.journal, name="journal"),
    path("journal/connexion/", journal.JournalLoginView.as_view(), name="login"),
    path("journal/deconnexion/", journal.journal_logout, name="logout"),
    path("journal/manifest.webmanifest", journal.manifest, name="manifest"),
    path("journal/sw.js", journal.service_worker, name="service_worker"),
    path("journal/api/session/", journal.api_session, name="api_session"),
    path("journal/api/options/", journal.api_options, name="api_options"),
    path("journal/api/fiches/", journal.api_submit, name="api_submit"),
]
