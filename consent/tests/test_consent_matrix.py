"""LE test matrice : chaque surface × chaque rôle × chaque canal où elle existe × chaque état. Zéro fuite.

Il vérifie aussi l'inverse (une œuvre pleinement consentie EST servie) : un système qui refuse tout
ne passerait pas. Puis le test de câblage : pour chaque surface, la réponse de la politique est
remplacée par « autorisé » et la surface DOIT fuir — sinon, elle ne demande pas la politique.
Les surfaces des autres applications s'inscrivent dans consent.surfaces.
"""

import time

from django.db.models import Q
from django.urls import reverse

from consent.access import Decision, visible_q
from consent.channels import Channel
from consent.policy import WorkAccessPolicy, policy
from consent.surfaces import Surface, get_surfaces
from media_library.models import Work

from .helpers import ROLES, STATES, run_matrix

PUBLIC_SURFACES = {
    "page publique de l'œuvre", "liste des archives", "recherche des archives", "fichier original",
    "rendu d'image (vignette)", "rendu média (affiche, vidéo web…)", "plan du site (sitemap.xml)",
    "sous-titres (fichier VTT)", "recherche dans ce qui est dit", "exposition en ligne (page)",
    "exposition au musée (page d'écoute du QR code)", "boîte à outils (guide PDF)", "boîte à outils (zip complet)",
}
ADMIN_SURFACES = {
    "admin : œuvre, fiche", "admin : œuvre, inspection", "admin : œuvre, historique", "admin : œuvre, usages",
    "admin : liste des œuvres, recherche",
    "admin : sélecteur d'œuvres (recherche)", "admin : sélecteur d'œuvres (œuvre choisie)",
    "admin : fichiers de l'œuvre", "admin : rendus de l'œuvre", "admin : chapitres de l'œuvre",
    "admin : travaux de fond (liste)", "admin : sous-titres de l'œuvre", "admin : éditeur de piste",
    "admin : consentements (recherche)",
    "admin : participant·es (recherche)", "admin : participant·e, inspection",
    "admin : sélecteur de participant·es (recherche)", "admin : sélecteur de participant·es (personne choisie)",
    "admin : retraits (liste)", "admin : retrait, inspection",
    "admin : impact d'un retrait (titres)", "admin : impact d'un retrait (page)",
    "admin : avis aux commissaires (liste)", "admin : avis aux commissaires, inspection",
    "admin : avis aux commissaires (tableau de bord)", "admin : journal d'audit (recherche)",
    "admin : journal des projections (recherche)", "admin : fiche de projection, inspection",
    "ODK : pièce jointe d'une fiche", "admin : historique du site (rapport)",
    "admin : sélecteur d'images (recherche)", "admin : sélecteur d'images (image choisie)",
}


def _setup(matrix):
    surfaces = get_surfaces()
    assert PUBLIC_SURFACES | ADMIN_SURFACES <= {s.name for s in surfaces}
    for surface in surfaces:
        if surface.setup:
            for work in matrix["works"].values():
                surface.setup(work)
    return surfaces


def test_matrix_zero_leak(matrix, capsys):
    surfaces = _setup(matrix)
    started = time.monotonic()
    checked, failures = run_matrix(matrix, surfaces)
    leaks = [f for f in failures if f.startswith("FUITE")]
    with capsys.disabled():
        print(f"\n[matrice consentement] {checked} cas vérifiés ({len(ROLES)} rôles × {len(list(Channel))} canaux × "
              f"{len(STATES)} états × {len(surfaces)} surfaces inscrites, selon les canaux de chaque surface) ; "
              f"{len(leaks)} fuite(s), {len(failures) - len(leaks)} refus à tort ; {time.monotonic() - started:.0f} s")
    assert not failures, "\n".join(failures)
    assert checked >= 1000


def allow_everything(monkeypatch):
    """La politique répond « autorisé » à tout : pour un objet (`answer`) ET pour un queryset (`answer_q`,
    le filtre SQL de `visible`, qui ne passe pas par `answer`)."""

    def allow(self, *args, **kwargs):
        return Decision(True, restricted=True)

    def allow_q(self, *args, **kwargs):
        return Q()

    monkeypatch.setattr(WorkAccessPolicy, "answer", allow)
    monkeypatch.setattr(WorkAccessPolicy, "answer_q", allow_q)


def refuse_everything(monkeypatch):
    """La politique répond « refusé » à tout, pour un objet et pour un queryset."""

    def refuse(self, *args, **kwargs):
        return Decision(False, restricted=True)

    def refuse_q(self, *args, **kwargs):
        return Q(pk__in=[])

    monkeypatch.setattr(WorkAccessPolicy, "answer", refuse)
    monkeypatch.setattr(WorkAccessPolicy, "answer_q", refuse_q)


# Les rôles qui fuient le plus vite d'abord (la commissaire hors communauté, le public).
LEAK_ORDER = ["curator_outside", "anonymous", "partner_admin", "officer", "facilitator", "other_facilitator",
              "curator"]


def unwired(matrix, surfaces):
    """Les surfaces qui ne fuient pas quand la politique dit « autorisé » : elles ne la demandent pas."""
    not_wired = []
    for surface in surfaces:
        _checked, failures = run_matrix(matrix, [surface], stop_at_first_leak=True, roles=LEAK_ORDER)
        if not any(f.startswith("FUITE") for f in failures):
            not_wired.append(surface.name)
    return not_wired


def test_wiring_every_surface_asks_the_policy(matrix, monkeypatch, capsys):
    """Pour chaque surface : la politique répond « autorisé » à tout → la surface doit fuir."""
    surfaces = _setup(matrix)
    with monkeypatch.context() as patched:
        allow_everything(patched)
        silent_names = set(unwired(matrix, surfaces))
    leaking = {s.name for s in surfaces if s.name not in silent_names}
    # Une surface des seules responsables du consentement (qui connaissent tout) ne peut pas fuir : on la
    # prouve câblée dans l'autre sens — la politique répond « refusé » à tout, elle doit alors refuser
    # l'œuvre pleinement consentie à la responsable.
    not_wired, by_refusal = [], []
    with monkeypatch.context() as patched:
        refuse_everything(patched)
        for surface in [s for s in surfaces if s.name in silent_names]:
            _checked, failures = run_matrix(matrix, [surface], roles=["officer"])
            if any(f.startswith("refus à tort") for f in failures):
                by_refusal.append(surface.name)
            else:
                not_wired.append(surface.name)
    with capsys.disabled():
        print(f"\n[câblage] {len(leaking)}/{len(surfaces)} surfaces fuient quand la politique dit « autorisé », "
              f"{len(by_refusal)} (responsables seulement) refusent quand elle dit « refusé » : "
              f"{len(surfaces) - len(not_wired)}/{len(surfaces)} la demandent.")
    assert not not_wired, "Surfaces qui ne demandent pas la politique : " + ", ".join(not_wired)


def _listing_probe(client, work, channel):
    response = client.get(reverse("media_library:work_list"))
    return response.status_code == 200 and work.title_fr.encode() in response.content


def test_wiring_check_catches_an_unwired_surface(matrix, monkeypatch):
    """Le contrôle de câblage attrape une surface qui a sa propre règle, ou qui appelle le filtre SQL sans
    passer par la politique ; il n'attrape pas la liste des archives, qui demande `policy.visible`."""
    def own_rule(client, work, channel):  # sa propre règle : « seulement les œuvres déclarées sans personne »
        works = Work.objects.filter(no_person_declarations__isnull=False, no_person_declarations__revoked_on__isnull=True,
                                    participations__isnull=True)
        return works.filter(pk=work.pk).exists()

    def direct_filter(client, work, channel):  # les bonnes règles, mais sans demander la politique
        from django.utils import timezone

        from consent.access import user_context

        works = Work.objects.filter(visible_q(user_context(client.user), channel, timezone.localdate()))
        return works.filter(pk=work.pk).exists()

    fakes = [Surface("liste à règle propre", own_rule, ("website",)),
             Surface("liste qui contourne la politique", direct_filter, ("website",)),
             Surface("liste des archives (témoin)", _listing_probe, ("website",))]
    allow_everything(monkeypatch)
    assert unwired(matrix, fakes) == ["liste à règle propre", "liste qui contourne la politique"]


def test_listing_answer_comes_from_the_database(matrix, monkeypatch, settings):
    """La liste des archives filtre par le SQL de la politique : « autorisé » pour un seul objet ne la fait
    pas fuir, « autorisé » aussi pour les querysets, si (d'où les deux dans le contrôle de câblage)."""
    from consent.tests.helpers import role_client

    settings.PAROLES_PAGE_CACHE = False  # la politique est remplacée à chaud : une page gardée ne le verrait pas
    client = role_client("anonymous", matrix["users"])
    withdrawn = matrix["works"]["withdrawn"]
    assert not _listing_probe(client, withdrawn, Channel.WEBSITE)
    monkeypatch.setattr(WorkAccessPolicy, "answer", lambda self, *a, **k: Decision(True, restricted=True))
    assert not _listing_probe(client, withdrawn, Channel.WEBSITE)
    monkeypatch.setattr(WorkAccessPolicy, "answer_q", lambda self, *a, **k: Q())
    assert _listing_probe(client, withdrawn, Channel.WEBSITE)


def test_decide_and_visible_agree(matrix):
    """visible (querysets), decide (un objet) et decide_many (lots) donnent la même réponse."""
    from django.contrib.auth.models import AnonymousUser

    people = [AnonymousUser(), *(u for u in matrix["users"].values() if u is not None)]
    works = list(matrix["works"].values())
    checked = 0
    for user in people:
        for channel in Channel:
            visible = set(policy.visible(user, channel, Work.objects.all()).values_list("pk", flat=True))
            many = policy.decide_many(user, works, channel)
            for work in works:
                one = policy.decide(user, work, channel).allowed
                assert one == (work.pk in visible) == many[work.pk].allowed, (user, channel, work)
                checked += 1
    assert checked == len(people) * len(list(Channel)) * len(works)


def test_admin_knowledge_agrees_with_queryset(matrix):
    """may_know (un objet) et admin_queryset (listes) concordent, pour chaque rôle."""
    for user in matrix["users"].values():
        if user is None:
            continue
        listed = set(policy.admin_queryset(user, Work.objects.all()).values_list("pk", flat=True))
        for work in matrix["works"].values():
            assert policy.may_know(user, work) == (work.pk in listed), (user, work)
