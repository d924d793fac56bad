from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from consent.views.site_history import PolicyLogEntriesView

from .sitemaps import sitemap, sitemap_index


urlpatterns = [
    # L'historique du site de Wagtail, sous la politique (mêmes adresses, avant celles de Wagtail).
    path("admin/reports/site-history/", PolicyLogEntriesView.as_view(), name="paroles_site_history"),
    path("admin/reports/site-history/results/", PolicyLogEntriesView.as_view(results_only=True),
         name="paroles_site_history_results"),
    path("admin/", include(wagtailadmin_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # Les textes des scripts du projet (gettext() en JavaScript) : le catalogue djangojs de site/locale.
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["paroles"]), name="javascript-catalog"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<int:page>.xml", sitemap, name="sitemap_document"),
    path("", include("media_library.urls")),
    path("", include("consent.urls")),
    path("", include("transcription.urls")),
    path("", include("exhibitions.urls")),
    path("", include("communication.urls")),
    path("", include("interop.urls")),
    path("", include("iiif.urls")),
    # Les pages Wagtail en dernier. Aucune route ne sert MEDIA_URL : les fichiers passent par la porte.
    path("", include(wagtail_urls)),
]
