"""Les interfaces des partenaires, chacune sous son préfixe."""

from django.urls import include, path

from .api.views import api
from .oai import views as oai_views

urlpatterns = [
    path("odk/", include("interop.odk.urls")),
    path("api/", api.urls),
    path("oai/", oai_views.endpoint, name="oai"),
]
