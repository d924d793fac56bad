"""La règle publiée de comptage des téléchargements, calculée en base."""

import datetime as dt

import pytest
from django.utils import timezone

from communication import downloads
from media_library.models import ServedFile
from media_library.tests.factories import UserFactory, WorkFactory

T0 = timezone.make_aware(dt.datetime(2023, 3, 1, 8, 0))


@pytest.fixture
def film(db, project):
    work = WorkFactory(project=project, title_fr="r/Egard", kind="film")
    work.duration_seconds = 600.0  # 10 minutes
    work.save()
    return work


def served(work, user, minutes=0, *, key="media_library.mediafile:1", start=None, end=None, size=6_000_000,
           channel="facilitator_download", allowed=True):
    return ServedFile.objects.create(
        created_at=T0 + dt.timedelta(minutes=minutes), user=user, work=work, channel=channel, purpose="rendu:phone",
        object_key=key, range_start=start, range_end=end, size=size, allowed=allowed,
    )


def count():
    return downloads.counted().count()


def test_same_user_same_file_within_24h_counts_once(film):
    awa = UserFactory(username="awa-dl")
    served(film, awa, 0)
    served(film, awa, 60)
    served(film, awa, 23 * 60)
    assert count() == 1
    served(film, awa, 23 * 60 + 25 * 60)  # plus de 24 h après la précédente
    assert count() == 2


def test_other_user_or_other_file_counts_separately(film):
    awa, fanta = UserFactory(username="awa-dl"), UserFactory(username="fanta-dl")
    served(film, awa, 0)
    served(film, fanta, 1)
    served(film, awa, 2, key="media_library.rendition:9")
    assert count() == 3


def test_partial_ranges_under_a_minute_do_not_count(film):
    awa = UserFactory(username="awa-dl")
    served(film, awa, 0, start=0, end=499_999)  # 500 ko sur 6 Mo de 10 min = 50 s
    assert count() == 0
    served(film, awa, 1, start=1_000_000, end=1_999_999)  # 100 s
    assert count() == 1


def test_whole_file_range_counts_even_for_short_media(db, project):
    capsule = WorkFactory(project=project, title_fr="Capsule courte")
    capsule.duration_seconds = 45.0
    capsule.save()
    awa = UserFactory(username="awa-dl")
    served(capsule, awa, 0, start=0, end=99_999, size=100_000)  # « bytes=0- » : le fichier entier
    served(capsule, awa, 0, start=10, end=500, size=100_000, key="media_library.mediafile:2")
    assert count() == 1


def test_refused_anonymous_and_other_channels_do_not_count(film):
    awa = UserFactory(username="awa-dl")
    served(film, awa, 0, allowed=False)
    served(film, None, 0)
    served(film, awa, 0, channel="website")
    assert count() == 0


def test_per_work_is_one_query(film, django_assert_num_queries):
    awa = UserFactory(username="awa-dl")
    for i in range(5):
        served(film, awa, i * 60 * 25)
    with django_assert_num_queries(1):
        rows = downloads.downloads_per_work()
    assert rows == [{"work": film.pk, "work__title_fr": "r/Egard", "downloads": 5}]
