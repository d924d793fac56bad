import datetime as dt

from django.utils import timezone

from communication.models import Screening, ScreeningMaterial


def make_screening(setup, *, when=None, partner=None, place=None, channel="community_talk", work=None, **counts):
    when = when or timezone.make_aware(dt.datetime(2022, 3, 15, 10, 0))
    data = dict(girls=0, boys=0, women=0, men=0)
    data.update(counts)
    if channel not in ("tv", "radio", "social_media"):
        total = sum(data[f] for f in ("girls", "boys", "women", "men"))
        data.setdefault("other_group", total - sum(data.get(f, 0) for f in
                                                   ("migrants", "refugees", "idps", "host_community", "authorities", "media_people")))
    s = Screening(project=setup["project"], partner=partner or setup["aracem"], facilitator=setup["facilitator"],
                  started_at=when, place=place or setup["places"]["faladie_site"], venue_type="idp_site", channel=channel,
                  **data)
    s.save()
    ScreeningMaterial.objects.create(screening=s, work=work or setup["works"][0])
    return s
