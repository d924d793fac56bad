import factory
from django.contrib.auth import get_user_model

from media_library.models import PartnerOrganisation, Project, Series, Theme, Work, WorkKind, Workshop


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-de-test")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Projet {n}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Association {n}")
    acronym = factory.Sequence(lambda n: f"ASSO{n}")


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Série {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Thème {n}")


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Atelier {n}")


class WorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Work

    kind = WorkKind.CAPSULE
    title_fr = factory.Sequence(lambda n: f"Œuvre {n}")
    title_bm = factory.Sequence(lambda n: f"Baara {n}")
    project = factory.SubFactory(ProjectFactory)
