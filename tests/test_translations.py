"""Le français est complet : les catalogues (Python, gabarits, JavaScript) se compilent sans GNU gettext,
chaque texte y est, et aucun gabarit ni script ne contient de texte français hors traduction."""

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

from paroles import translations

ROOT = Path(settings.BASE_DIR)
APPS = ["site", "media_library", "consent", "transcription", "exhibitions", "communication", "interop", "iiif"]
FRENCH = re.compile(r"[A-Za-zÀ-ÿŒœ]{2,}")
# Noms propres, sigles et signes qui ne se traduisent pas.
NOT_TEXT = {"Paroles", "PDF", "MP4", "QR", "VTT", "SRT", "IIIF", "OAI", "PMH", "ODK", "CSV", "XLSX", "KoBoCollect",
            "ARACEM", "IATI", "Wagtail", "OpenRosa", "XForms", "Whisper", "WEBVTT", "Ko", "Mo", "Go",
            "Ctrl", "Alt", "Shift", "sha"}
# Blocs de gabarit qui portent des noms de classes ou de langue, pas du texte.
CODE_BLOCKS = {"body_class", "bodyclass", "lang"}


def test_catalogues_compile_without_gnu_gettext_and_are_complete(tmp_path, settings):
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "site" / "locale", locale, ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [locale]
    compiled = translations.compile_all()
    assert {p.name for p in compiled} == {"django.mo", "djangojs.mo"}
    for po in translations.catalogues():
        assert translations.problems(po) == [], po
    catalogue = gettext.GNUTranslations(open(locale / "fr/LC_MESSAGES/djangojs.mo", "rb"))
    assert catalogue.gettext("Hors ligne : les fiches restent sur ce téléphone.") == \
        "Hors ligne : les fiches restent sur ce téléphone."
    assert catalogue.ngettext("%(n)s résultat", "%(n)s résultats", 2) == "%(n)s résultats"
    assert catalogue.info()["plural-forms"] == "nplurals=2; plural=(n > 1);"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext absent : vérification supplémentaire ignorée")
def test_javascript_catalogue_passes_msgfmt_check():
    po = ROOT / "site/locale/fr/LC_MESSAGES/djangojs.po"
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_javascript_catalogue_is_served(client):
    response = client.get("/jsi18n/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hors ligne : les fiches restent sur ce t\\u00e9l\\u00e9phone." in body  # JSON échappé
    assert "django.gettext" in body.replace(" ", "")


def test_interface_offers_only_translated_languages():
    available = {code for code, _name in settings.LANGUAGES}
    have_catalogue = {p.name for p in (ROOT / "site/locale").iterdir() if (p / "LC_MESSAGES/django.po").exists()}
    assert available <= have_catalogue, available - have_catalogue


def _template_texts(path):
    """Les morceaux de texte d'un gabarit hors {% translate %} / {% blocktranslate %} / commentaires,
    sans balises HTML (mais avec les attributs lus par les personnes : title, alt, aria-label,
    placeholder), sans <script> ni <style>."""
    source = path.read_text()
    depth, skip, out, stack = 0, 0, [], []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in ("blocktranslate", "blocktrans"):
                depth += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                depth -= 1
            elif name == "comment" or (name == "block" and token.contents.split()[1:2] and
                                            token.contents.split()[1] in CODE_BLOCKS):
                skip += 1
                stack.append(True)
                out.append(" ¤ ")
                continue
            elif name == "block":
                stack.append(False)
            elif name in ("endcomment", "endblock"):
                if stack and stack.pop():
                    skip -= 1
            out.append(" ¤ ")
        elif token.token_type == TokenType.TEXT and not depth and not skip:
            out.append(token.contents)
        else:
            out.append(" ¤ ")
    html = "".join(out)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    # Le bambara (lang="bm") est du contenu, pas de l'interface à traduire.
    html = re.sub(r'<(\w+)\b[^>]*\blang="bm"[^>]*>.*?</\1>', " ", html, flags=re.S)
    attrs = re.findall(r'\b(?:title|alt|aria-label|placeholder)="([^"]*)"', html)
    text = re.sub(r"<[^>]*>", " ", html)
    return [t for t in [*re.split(r"\s*¤\s*", text), *attrs] if t.strip()]


def _suspicious(fragment):
    words = [w for w in FRENCH.findall(fragment) if w not in NOT_TEXT]
    return words and not fragment.strip().startswith(("{", "%"))


def test_templates_have_no_french_text_outside_translation():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app / "templates").rglob("*.html")):
            for fragment in _template_texts(path):
                if _suspicious(fragment):
                    found.append(f"{path.relative_to(ROOT)} : {fragment.strip()[:80]!r}")
    assert found == []


ACCENTS = re.compile("[àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ]")
JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`')


def test_scripts_have_no_french_text_outside_gettext():
    """Un texte de script qui porte un accent français, ou plusieurs mots, passe par gettext()."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app / "static").rglob("*.js")):
            if path.name.endswith(".min.js"):
                continue  # bibliothèque tierce livrée telle quelle (OpenSeadragon)
            code = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), path.read_text(), flags=re.S)
            for n, line in enumerate(code.splitlines(), 1):
                line = re.sub(r"(^|[^:])//.*$", r"\1", line)
                for m in JS_STRING.finditer(line):
                    text = next(g for g in m.groups() if g is not None)
                    before = line[: m.start()].rstrip()
                    wrapped = re.search(r"\b(n?gettext|pgettext|_)\($", before) or \
                        re.search(r"ngettext\(\s*(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')\s*,$", before)
                    accented = re.search(ACCENTS, text)
                    words = re.search(r"[A-Za-z]{2,} [a-zàâçéèêëîïôûùœ]{2,}", text) and \
                        not re.fullmatch(r"[\s\w\-.#\[\]=:,>*()\"'/${}]+", text)  # noms de classes, gabarits `${…}`
                    if (accented or words) and not wrapped:
                        found.append(f"{path.relative_to(ROOT)}:{n} : {text[:70]!r}")
    assert found == []


def test_french_catalogue_never_replaces_a_text_by_another():
    """Le français est la langue source : chaque entrée dit exactement son texte. msgmerge devine sinon des
    « traductions » d'après un texte voisin (« stockage des fichiers » devenait « Choisir des fichiers »)."""
    import polib

    from paroles import translations

    wrong = []
    for path in translations.catalogues("fr"):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                ok = entry.msgstr_plural in ({}, {0: entry.msgid, 1: entry.msgid_plural})
            else:
                ok = entry.msgstr in ("", entry.msgid)
            if not ok or "fuzzy" in entry.flags:
                wrong.append(f"{path.name}: {entry.msgid[:60]!r} → {(entry.msgstr or '')[:60]!r}")
    assert not wrong, "\n".join(wrong[:20])


def test_french_catalogue_never_hides_a_translation_of_django_or_wagtail():
    """Notre catalogue passe avant ceux des applications installées : un texte à nous qui porte le même
    identifiant qu'un texte anglais de Wagtail ou de Django remplace aussi leur traduction, partout dans
    l'administration (« Usage » cachait « Utilisation », « Public » le « Publique » des accès aux pages).
    Un mot court qui sert chez eux prend donc un contexte (pgettext) ou un autre texte."""
    import polib
    from django.apps import apps
    import django

    theirs = {}
    ours = [ROOT / app for app in APPS]
    roots = [Path(django.__file__).parent / "conf"] + [Path(a.path) for a in apps.get_app_configs()
                                                         if not any(Path(a.path).is_relative_to(o) for o in ours)]
    for root in roots:
        for path in root.glob("locale/fr/LC_MESSAGES/django*.po"):
            for entry in polib.pofile(str(path)):
                if entry.msgstr and not entry.obsolete:
                    theirs.setdefault((path.stem, entry.msgctxt, entry.msgid), (entry.msgstr, path))
    assert len(theirs) > 1000, len(theirs)  # Wagtail et Django ont bien été lus
    hidden = []
    for path in translations.catalogues("fr"):
        for entry in polib.pofile(str(path)):
            key = (path.stem, entry.msgctxt, entry.msgid)  # django ou djangojs : chaque domaine à part
            if not entry.obsolete and key in theirs and theirs[key][0] != (entry.msgstr or entry.msgid):
                hidden.append(f"{entry.msgid!r} cache {theirs[key][0]!r} ({theirs[key][1].parts[-5]})")
    assert not hidden, "\n".join(hidden)


def test_every_text_in_the_code_is_in_the_french_catalogue(tmp_path, settings, monkeypatch):
    """Ce que `make messages` extrairait aujourd'hui (makemessages : Python, gabarits, scripts) est déjà dans
    les catalogues livrés : un texte ajouté au code sans passer par `make messages` fait échouer ce test
    (il s'afficherait quand même, mais une traduction future l'ignorerait). L'extraction se fait sur une
    copie des sources, jamais dans site/locale."""
    import polib
    from django.core.management import call_command

    if not shutil.which("xgettext"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("xgettext est introuvable alors que CI=true : .ci/run doit installer gettext.")
        pytest.skip("GNU gettext absent (apt-get install gettext) : extraction des textes sautée.")
    from paroles.management.commands.update_translations import IGNORE

    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    sources = tmp_path / "src"
    for name in tracked.stdout.split("\0"):
        if name.endswith((".py", ".html", ".txt", ".js")) and (ROOT / name).is_file():
            (sources / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, sources / name)
    out = tmp_path / "locale"
    (out / "fr").mkdir(parents=True)
    settings.LOCALE_PATHS = [out]
    monkeypatch.chdir(sources)
    common = {"locale": ["fr"], "ignore_patterns": IGNORE, "no_obsolete": True, "verbosity": 0}
    call_command("makemessages", domain="django", extensions=["html", "txt", "py"], **common)
    call_command("makemessages", domain="djangojs", extensions=["js"],
                 **{**common, "ignore_patterns": IGNORE + ["*/templates/*"]})
    missing = []
    for domain in ("django", "djangojs"):
        shipped = {(e.msgctxt, e.msgid) for e in polib.pofile(str(ROOT / f"site/locale/fr/LC_MESSAGES/{domain}.po"))
                   if not e.obsolete}
        extracted = polib.pofile(str(out / f"fr/LC_MESSAGES/{domain}.po"))
        assert len(extracted) > (100 if domain == "django" else 10)  # l'extraction a vraiment eu lieu
        missing += [f"{domain}: {e.msgid[:70]!r} ({e.occurrences[0][0] if e.occurrences else '?'})"
                    for e in extracted if (e.msgctxt, e.msgid) not in shipped]
    assert not missing, "Lancez `make messages` :\n" + "\n".join(missing)
