"""Les interfaces des partenaires, chacune sous son préfixe."""

from django.urls import include, path

urlpatterns = [
    path("odk/", include("interop.odk.urls")),
]
