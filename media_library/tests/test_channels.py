"""La surface pose le canal, jamais la personne qui demande le fichier (media_library.links).

- sans jeton : le site web public, pour tout le monde ;
- une surface (page d'écoute du musée, administration, partenaires) émet un jeton signé qui lie SON canal
  à CE chemin, pour un temps ; rejoué sur un autre fichier, modifié ou expiré, il ne vaut rien ;
- presse et diffusion : seulement par un lien remis par un·e commissaire à une personne nommée, daté,
  révocable, journalisé et visible dans l'impact d'un retrait.
"""

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consent.channels import Channel
from consent.testing import CURATOR, CONSENT_OFFICER, grant, user_with_role, withdraw_all
from media_library import testing
from media_library.models import ReleaseLink, ServedFile

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def museum_only(project, small_image):
    """Une photo consentie pour le musée, la presse, la télé et l'archive interne, PAS pour le site web."""
    from media_library.processing.images import ensure_image_renditions
    from media_library.flows.ingest import ingest_file
    from media_library.tests.factories import WorkFactory

    work = WorkFactory(project=project, title_fr="Portrait au musée")
    record = grant(work, channels=[Channel.MUSEUM, Channel.PRESS_SOCIAL, Channel.BROADCAST, Channel.INTERNAL])
    media = ingest_file(work, small_image)
    image = ensure_image_renditions(media)["medium"]
    other = ensure_image_renditions(media)["large"]
    return {"work": work, "media": media, "image": image, "other": other, "record": record}


def test_anonymous_gets_the_website_channel_whatever_the_address(client, museum_only):
    image = museum_only["image"]
    plain = image.get_serve_url("website")
    assert "?" not in plain and "/museum/" not in plain
    assert client.get(plain).status_code == 404  # pas consenti pour le site web
    # L'ancienne forme (canal dans l'adresse) n'existe plus.
    assert client.get(plain.replace("/fichiers/", "/fichiers/museum/")).status_code == 404
    # Un paramètre inventé ne choisit rien.
    for forged in ("museum", "press_social", signing.dumps({"c": "museum", "p": plain})):
        assert client.get(plain + "?acces=" + forged).status_code == 404, forged


def test_the_museum_surface_issues_a_short_lived_address_bound_to_one_file(client, museum_only, monkeypatch):
    image, other = museum_only["image"], museum_only["other"]
    museum_url = image.get_serve_url(Channel.MUSEUM)
    assert "acces=" in museum_url
    response = client.get(museum_url)
    assert response.status_code == 200 and body(response)[:3] == b"\xff\xd8\xff"
    # Le jeton ne vaut que pour son fichier : recollé sur un autre, c'est le site web (refusé).
    token = museum_url.split("?", 1)[1]
    assert client.get(other.get_serve_url("website") + "?" + token).status_code == 404
    # Rejoué plus tard que PAROLES_FILE_LINK_SECONDS : plus rien (le site web ne l'autorise pas).
    import time as time_module

    later = time_module.time() + 5 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.get(museum_url).status_code == 404


def test_museum_listening_page_issues_museum_addresses(client, museum_only):
    from exhibitions.consent_surfaces import _page, setup_exhibitions

    work = museum_only["work"]
    setup_exhibitions(work)
    html = client.get(f"/expositions/ecouter/{_page('museum', work).pk}/{work.pk}/").content.decode()
    urls = [u.replace("&amp;", "&") for u in __import__("re").findall(r'(?:src|href)="(/fichiers/[^"]+)"', html)]
    assert urls and all("acces=" in u for u in urls)
    assert all(client.get(u).status_code == 200 for u in urls if "/original/" not in u)
    # Les mêmes fichiers par l'exposition EN LIGNE : le site web, refusé ; l'œuvre n'y figure pas.
    online = client.get(_page("online", work).url).content.decode()
    assert work.title_fr not in online


def test_press_and_broadcast_only_through_a_named_link(client, museum_only, tmp_path):
    work, image = museum_only["work"], museum_only["image"]
    with pytest.raises(ValueError):
        image.get_serve_url(Channel.PRESS_SOCIAL)  # aucune surface ne peut émettre ce canal sans lien
    # Un jeton presse fabriqué sans lien ne vaut rien.
    from media_library.links import file_signer

    path = image.get_serve_url("website")
    forged = file_signer().sign_object({"c": "press_social", "p": path}, compress=True)
    assert client.get(path + "?acces=" + forged).status_code == 404

    link = testing.release_link(work, Channel.PRESS_SOCIAL, recipient="Fatoumata Diarra")
    page = client.get(link.get_absolute_url())
    assert page.status_code == 200 and "Fatoumata Diarra" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store" and page["Referrer-Policy"] == "no-referrer"
    url = image.get_serve_url(Channel.PRESS_SOCIAL, link=link)
    response = client.get(url)
    assert response.status_code == 200
    log = ServedFile.objects.get(release_link=link)
    assert log.channel == "press_social" and log.user is None and log.work_id == work.pk
    # Le lien ne vaut que pour son œuvre.
    from media_library.flows.ingest import ingest_file
    from media_library.tests.factories import WorkFactory

    stranger = WorkFactory(project=work.project, title_fr="Autre œuvre")
    grant(stranger, channels=[Channel.PRESS_SOCIAL])
    from media_library.processing.images import ensure_image_renditions

    foreign = ensure_image_renditions(ingest_file(stranger, testing.make_image(
        tmp_path / "autre.jpg", color=(1, 2, 3))))["medium"]
    assert client.get(foreign.get_serve_url(Channel.PRESS_SOCIAL, link=link)).status_code == 404
    # Visible dans l'impact d'un retrait : à qui demander d'effacer sa copie.
    from consent.flows.withdraw import impact_of

    impact = impact_of([work])
    assert [d["recipient"] for d in impact.links] == ["Fatoumata Diarra"] and impact.links[0]["count"] == 1
    # Révoqué ou expiré : la page et les fichiers disparaissent.
    link.revoked_at = timezone.now()
    link.save()
    assert client.get(url).status_code == 404 and client.get(link.get_absolute_url()).status_code == 404
    expired = testing.release_link(work, Channel.BROADCAST, days=-1)
    assert client.get(expired.get_absolute_url()).status_code == 404
    # Un retrait de consentement coupe aussi un lien actif.
    active = testing.release_link(work, Channel.BROADCAST)
    assert client.get(image.get_serve_url(Channel.BROADCAST, link=active)).status_code == 200
    withdraw_all(museum_only["record"].participant)
    assert client.get(image.get_serve_url(Channel.BROADCAST, link=active)).status_code == 404
    assert client.get(active.get_absolute_url()).status_code == 404


def test_curator_issues_a_link_to_a_named_recipient(museum_only):
    work = museum_only["work"]
    curator = user_with_role("commissaire", CURATOR)
    client = Client()
    client.force_login(curator)
    url = reverse("media_library_release_links", args=[work.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"channel": "press_social", "recipient": "Awa", "expires_on": "2000-01-01"})
    assert bad.status_code == 200 and not ReleaseLink.objects.exists()
    assert "futur" in bad.content.decode()
    until = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client.post(url, {"channel": "broadcast", "recipient": "Moussa Keïta", "organisation": "Mandé TV",
                                 "expires_on": until})
    assert response.status_code == 302
    link = ReleaseLink.objects.get()
    assert (link.recipient, link.organisation, link.channel, link.created_by) == (
        "Moussa Keïta", "Mandé TV", "broadcast", curator)
    listing = client.get(url).content.decode()
    assert link.get_absolute_url() in listing
    assert Client().get(link.get_absolute_url()).status_code == 200
    client.post(reverse("media_library_release_link_revoke", args=[work.pk, link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None and Client().get(link.get_absolute_url()).status_code == 404


def test_no_link_for_a_channel_the_consent_refuses(project, small_image):
    from media_library.tests.factories import WorkFactory

    work = WorkFactory(project=project, title_fr="Pas pour la télé")
    grant(work, channels=[Channel.MUSEUM, Channel.INTERNAL])
    client = Client()
    client.force_login(user_with_role("responsable", CONSENT_OFFICER))
    until = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client.post(reverse("media_library_release_links", args=[work.pk]),
                           {"channel": "broadcast", "recipient": "Moussa", "expires_on": until})
    assert response.status_code == 200 and "consentement ne permet pas" in response.content.decode()
    assert not ReleaseLink.objects.exists()


def test_the_issuing_page_is_absent_for_who_may_not_see_the_work(client, museum_only):
    from media_library.tests.factories import UserFactory

    client.force_login(UserFactory(username="passant"))
    response = client.get(reverse("media_library_release_links", args=[museum_only["work"].pk]))
    assert response.status_code in (302, 404)  # l'administration renvoie d'abord à sa connexion


def test_a_token_holds_for_a_file_name_with_accents(rf):
    """reverse() encode « règles » en « r%C3%A8gles » ; la requête arrive décodée : le jeton vaut quand même."""
    from media_library.grants import channel_for
    from media_library.links import file_url

    url = file_url("/fichiers/piste/8/capsule-r%C3%A8gles.bm.vtt", "museum")
    assert channel_for(rf.get(url)).channel == "museum"
    other = url.replace("capsule-r%C3%A8gles", "capsule-autre")
    assert channel_for(rf.get(other)).channel == "website"
