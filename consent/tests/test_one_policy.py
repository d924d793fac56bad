"""Une seule politique : aucun autre module ne construit de `Decision` ni ne refait une règle d'accès,
et les dépendances vont dans un seul sens (les applications importent consent, jamais l'inverse)."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
APPS = ["consent", "media_library", "transcription", "exhibitions", "communication", "interop", "iiif", "paroles"]
POLICY_MODULES = {"consent/access.py", "consent/policy.py"}


def _sources():
    for app in APPS:
        base = ROOT / ("site" if app == "paroles" and not (ROOT / "paroles").is_dir() else app)
        for path in base.rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in rel or "/migrations/" in rel or rel.endswith("consent_surfaces.py"):
                continue
            yield rel, ast.parse(path.read_text(encoding="utf-8"))


def _names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            yield "call", (func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""), node
        elif isinstance(node, ast.Attribute):
            yield "attr", node.attr, node
        elif isinstance(node, ast.Name):
            yield "name", node.id, node


def test_only_the_policy_builds_a_decision():
    found = [f"{rel}:{node.lineno}" for rel, tree in _sources() if rel not in POLICY_MODULES
             for kind, name, node in _names(tree) if kind == "call" and name == "Decision"]
    assert not found, "Decision construite hors de consent.policy / consent.access : " + ", ".join(found)


# Ce qu'une vue, un gabarit, une balise, un formulaire ou un crochet ne doit plus regarder lui-même.
FORBIDDEN_ATTRS = {
    "is_protected_community": {"media_library/models.py", "media_library/wagtail_hooks.py", "media_library/demo.py",
                               "media_library/forms.py"},  # le champ, son formulaire d'admin, la démo, un filtre
    "partner_organisations": {"media_library/models.py"},
    "org_ids": set(),
    "required_variant_flags": set(),
    "_protected_orgs": set(),
    "check_access": {"media_library/gate.py"},
    "user_context": set(),
    "load_facts": set(),
    "evaluate": set(),
}


def test_no_access_rule_outside_the_policy():
    found = []
    for rel, tree in _sources():
        if rel in POLICY_MODULES:
            continue
        for kind, name, node in _names(tree):
            if name in FORBIDDEN_ATTRS and rel not in FORBIDDEN_ATTRS[name]:
                found.append(f"{rel}:{node.lineno} ({name})")
    assert not found, "Règle d'accès hors de la politique : " + ", ".join(found)


def test_no_template_checks_partners_or_protected_communities():
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.html") if (ROOT / app).is_dir() else []:
            text = path.read_text(encoding="utf-8")
            for needle in ("is_protected_community", "is_blurred", "partner_organisations"):
                if needle in text:
                    found.append(f"{path.relative_to(ROOT)} ({needle})")
    assert not found, ", ".join(found)


def test_consent_does_not_import_the_apps_it_protects():
    """Sens unique : media_library, transcription, exhibitions importent consent ; consent lit leurs
    modèles par apps.get_model. Aucune exception : la vue des preuves vit dans media_library, à côté
    de la porte."""
    allowed = set()
    found = []
    for rel, tree in _sources():
        if not rel.startswith("consent/") or rel in ("consent/testing.py", "consent/demo.py"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                mod = node.module
            elif isinstance(node, ast.Import):
                mod = node.names[0].name
            else:
                continue
            if mod.split(".")[0] in {"media_library", "transcription", "exhibitions", "communication"}:
                if (rel, mod) not in allowed:
                    found.append(f"{rel}:{node.lineno} ({mod})")
    assert not found, ", ".join(found)


def test_policy_is_registered_with_wagtail():
    from wagtail.permissions import policy_registry

    from consent import get_permission_policy
    from consent.policy import policy
    from media_library.models import Work

    assert policy_registry.get_by_type(Work) is policy is get_permission_policy()
    assert Work.snippet_viewset.permission_policy is policy


@pytest.mark.django_db
def test_refused_looks_like_absent(client, project):
    """Page publique et pages d'administration : un objet refusé répond comme un objet absent (statut,
    corps, en-têtes) à qui ne peut pas savoir qu'il existe."""
    from consent.testing import CURATOR, grant, user_with_role
    from media_library.models import Work
    from media_library.tests.factories import PartnerFactory, WorkFactory

    hidden = WorkFactory(project=project, title_fr="Secret", partner=PartnerFactory(name="P", is_protected_community=True))
    grant(hidden)
    missing_pk = Work.all_objects.order_by("-pk").first().pk + 1

    def same(url_of):
        a, b = client.get(url_of(hidden.pk)), client.get(url_of(missing_pk))
        assert a.status_code == b.status_code == 404, url_of(hidden.pk)
        # Le 404 de Django répète le chemin demandé : on le neutralise, le reste doit être identique.
        assert a.content.replace(url_of(hidden.pk).encode(), b"URL") == b.content.replace(url_of(missing_pk).encode(), b"URL")
        # Mêmes en-têtes ; « Expires » (never_cache de l'admin) est l'heure de la réponse : même présence.
        timed = {"expires", "date", "content-length"}  # (longueur : le chemin répété peut différer d'un chiffre)
        assert {k: v for k, v in a.headers.items() if k.lower() not in timed} == \
            {k: v for k, v in b.headers.items() if k.lower() not in timed}
        assert {k.lower() for k in a.headers} == {k.lower() for k in b.headers}

    same(lambda pk: f"/archives/{pk}/")
    client.force_login(user_with_role("commissaire", CURATOR))
    for name in ("edit", "inspect", "history", "usage", "delete"):
        same(lambda pk, n=name: reverse(f"wagtailsnippets_media_library_work:{n}", args=[pk]))
    same(lambda pk: reverse("wagtailsnippetchoosers_media_library_work:chosen", args=[pk]))
    for name in ("media_library_work_files", "media_library_work_renditions", "media_library_chapters",
                 "transcription_work"):
        same(lambda pk, n=name: reverse(n, args=[pk]))
