from django.urls import path

from . import views

app_name = "interop_odk"

urlpatterns = [
    path("formList", views.form_list, name="form_list"),
    path("forms/<str:form_id>/form.xml", views.form_xml, name="form"),
    path("forms/<str:form_id>/manifest", views.manifest, name="manifest"),
    path("forms/<str:form_id>/media/<str:filename>", views.media, name="media"),
    path("submission", views.submission, name="submission"),
    path("pieces-jointes/<uuid:uuid>/<str:filename>", views.attachment, name="attachment"),
]
