"""Les interfaces des partenaires, chacune sous son préfixe."""

from django.urls import include, path

from .api.views import api

urlpatterns = [
    path("odk/", include("interop.odk.urls")),
    path("api/", api.urls),
]
