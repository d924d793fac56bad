"""Catalogues de traduction du projet (site/locale/<langue>/LC_MESSAGES/django.po et djangojs.po).

Les textes sources sont en français : le catalogue français reprend chaque texte tel quel (msgstr =
msgid), ce qui le rend complet et vérifiable. Deux opérations :

- `update()` (manage.py update_translations) : extrait les textes avec `makemessages` (GNU gettext,
  xgettext, nécessaire seulement à qui modifie des textes), puis complète le catalogue français ;
- `compile_all()` (manage.py compile_translations, lancé par `make run` et `make test`) : compile les
  .po en .mo avec polib, en Python pur, pour qu'une Debian neuve sans gettext fonctionne. Les .mo ne
  sont pas versionnés.
"""

import re
from pathlib import Path

import polib
from django.conf import settings

SOURCE_LANGUAGE = "fr"
DOMAINS = ("django", "djangojs")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|\{(\w*)\}|%[sdf]")


def locale_dirs():
    return [Path(p) for p in settings.LOCALE_PATHS]


def catalogues(language=None):
    for root in locale_dirs():
        for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
            if language is None or po.parent.parent.name == language:
                yield po


def placeholders(text):
    return sorted(m.group(0) for m in _PLACEHOLDER.finditer(text or ""))


def fill_source_language(path):
    """Catalogue de la langue source : chaque entrée vide reçoit son texte source. Renvoie le nombre rempli."""
    po = polib.pofile(str(path), wrapwidth=0)
    filled = 0
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags or entry.previous_msgid:
            # msgmerge a deviné une « traduction » d'après un texte voisin (« stockage des fichiers » →
            # « Choisir des fichiers ») : dans la langue source, le texte est son propre msgid.
            entry.msgstr = ""
            entry.msgstr_plural = {}
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if entry.msgid_plural:
            if not any(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                filled += 1
        elif not entry.msgstr:
            entry.msgstr = entry.msgid
            filled += 1
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata_is_fuzzy = False
    po.metadata["Project-Id-Version"] = "Paroles"
    po.metadata["Language"] = SOURCE_LANGUAGE
    po.metadata["Language-Team"] = "Paroles (français, langue source)"
    po.metadata["Last-Translator"] = "Paroles <paroles@localhost>"
    if po.metadata.get("PO-Revision-Date", "").startswith("YEAR"):
        po.metadata["PO-Revision-Date"] = po.metadata.get("POT-Creation-Date", "")
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    po.save(str(path))
    return filled


def problems(path):
    """Ce qui empêcherait un catalogue d'être complet et juste : entrées vides, floues, ou dont les
    marqueurs (%(nom)s) diffèrent du texte source."""
    po = polib.pofile(str(path))
    out = [f"{path.name}: en-tête flou (ignoré à la compilation)"] if po.metadata_is_fuzzy else []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            out.append(f"{path.name}: floue : {entry.msgid!r}")
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(translations):
            out.append(f"{path.name}: non traduite : {entry.msgid!r}")
            continue
        expected = placeholders(entry.msgid)
        for text in translations:
            if "python-format" in entry.flags and placeholders(text) != expected and entry.msgid_plural is None:
                out.append(f"{path.name}: marqueurs différents : {entry.msgid!r} → {text!r}")
    return out


def compile_all(stdout=None):
    compiled = []
    for po_path in catalogues():
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        tmp = mo_path.with_suffix(".mo.tmp")
        po.save_as_mofile(str(tmp))
        tmp.replace(mo_path)  # publication d'un coup : jamais de .mo à moitié écrit
        compiled.append(mo_path)
        if stdout is not None:
            stdout.write(f"{mo_path} : {len(po.translated_entries())} textes")
    return compiled
