"""LE test matrice : chaque canal × chaque état de consentement × chaque surface inscrite. Zéro fuite.

Il vérifie aussi l'inverse (une œuvre pleinement consentie EST servie) : un système qui refuse tout
ne passerait pas. Les surfaces des autres applications s'inscrivent dans consent.surfaces.
"""

from consent.access import decide, visible_works
from consent.channels import Channel
from consent.surfaces import get_surfaces
from media_library.models import Work

from .helpers import STATES, audience_client, expected_served


def test_matrix_zero_leak(matrix, capsys):
    works, users = matrix["works"], matrix["users"]
    surfaces = get_surfaces()
    assert {"page publique de l'œuvre", "liste des archives", "recherche des archives", "fichier original",
            "rendu d'image (vignette)", "rendu média (affiche, vidéo web…)", "plan du site (sitemap.xml)",
            "sous-titres (fichier VTT)", "recherche dans ce qui est dit", "exposition en ligne (page)",
            "boîte à outils (zip complet)"} <= {s.name for s in surfaces}
    for surface in surfaces:
        if surface.setup:
            for work in works.values():
                surface.setup(work)

    failures, checked = [], 0
    for channel in Channel:
        client = audience_client(channel, users)
        for state in STATES:
            work = Work.objects.get(pk=works[state].pk)
            expected = expected_served(state, channel)
            for surface in surfaces:
                if not surface.applies_to(channel):
                    continue
                served = bool(surface.probe(client, work, channel))
                checked += 1
                if served != expected:
                    kind = "FUITE" if served else "refus à tort"
                    failures.append(f"{kind} : {surface.name} / {channel.value} / {state}")
    with capsys.disabled():
        print(f"\n[matrice consentement] {checked} cas vérifiés ({len(list(Channel))} canaux × {len(STATES)} états × "
              f"{len(surfaces)} surfaces inscrites) ; {sum(f.startswith('FUITE') for f in failures)} fuite(s)")
    assert not failures, "\n".join(failures)
    assert checked >= len(list(Channel)) * len(STATES) * 3


def test_decide_and_visible_works_agree(matrix):
    """visible_works (listes, requêtes groupées) et decide (une œuvre) donnent la même réponse."""
    from django.contrib.auth.models import AnonymousUser

    people = [AnonymousUser(), *matrix["users"].values()]
    checked = 0
    for user in people:
        for channel in Channel:
            visible = set(visible_works(user, channel, Work.objects.all()).values_list("pk", flat=True))
            for work in matrix["works"].values():
                assert decide(user, work, channel).allowed == (work.pk in visible), (user, channel, work)
                checked += 1
    assert checked == len(people) * len(list(Channel)) * len(matrix["works"])
