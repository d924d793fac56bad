from django.urls import path

from .views import public

app_name = "exhibitions"

urlpatterns = [
    path("expositions/ecouter/<int:page_pk>/<int:work_pk>/", public.listen, name="listen"),
    path("animateurs/connexion/", public.FacilitatorLoginView.as_view(), name="login"),
    path("animateurs/deconnexion/", public.FacilitatorLogoutView.as_view(), name="logout"),
]
