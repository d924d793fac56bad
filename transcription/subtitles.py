"""Sous-titres : répliques (cues), normes, découpage des lignes, lecture et écriture SRT/WebVTT.

Normes appliquées (usage courant du sous-titrage, adaptées au public des causeries) :
- au plus 42 caractères par ligne, au plus 2 lignes ;
- au plus 17 caractères par seconde ;
- affichage entre 5/6 s (20 images) et 7 s ;
- pas de retour à la ligne entre un article (ou un déterminant) et son nom ;
- pas de chevauchement entre deux répliques, pas de temps négatif.

Le bambara n'a pas d'articles antéposés : la règle article/nom ne s'applique qu'au français
(et à l'anglais, pour les quelques pistes destinées aux bailleurs).
"""

import html
import math
import re
from dataclasses import asdict, dataclass, field, replace

from django.utils.translation import gettext as _

MAX_LINE = 42
MAX_LINES = 2
MAX_CPS = 17.0


def round_half_up(value, digits):
    """Arrondi au plus proche, moitié vers le haut, comme Math.floor(x * 10**n + 0.5) en JavaScript (le même
    calcul en virgule flottante des deux côtés : le serveur et l'éditeur disent la même chose)."""
    if value == float("inf"):
        return value
    scale = 10 ** digits
    return math.floor(value * scale + 0.5) / scale
MIN_DURATION = 5 / 6
MAX_DURATION = 7.0
MIN_GAP = 0.0

ARTICLES = {
    "fr": {
        "le", "la", "les", "l'", "l’", "un", "une", "des", "du", "de", "d'", "d’", "au", "aux", "ce", "cet",
        "cette", "ces", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre",
        "vos", "leur", "leurs", "quelques", "chaque", "aucun", "aucune",
    },
    "en": {"a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her", "its", "our", "their"},
}


@dataclass
class Cue:
    start: float
    end: float
    text: str
    line: int = 0  # ligne d'origine dans le fichier importé (pour les messages)
    # Qui a écrit la réplique : ORIGIN_MACHINE (+ `model`), ORIGIN_PERSON, ORIGIN_IMPORT, ORIGIN_TODO
    # (vide : une personne doit l'écrire). `language` : langue parlée dans le passage, si connue.
    origin: str = ""
    model: str = ""
    language: str = ""

    @property
    def duration(self):
        return self.end - self.start

    @property
    def lines(self):
        return self.plain.split("\n")

    @property
    def plain(self):
        """Le texte sans les balises de voix WebVTT (`<v Awa>`) : ce qu'on lit à l'écran."""
        return strip_voice(self.text)

    @property
    def chars(self):
        return len(self.plain.replace("\n", " ").strip())

    @property
    def cps(self):
        return self.chars / self.duration if self.duration > 0 else float("inf")

    @property
    def cps_shown(self):
        """Le débit tel qu'il est affiché (au dixième, arrondi au plus proche) : c'est lui qu'on compare à
        la norme, ici comme dans l'éditeur (même calcul en JavaScript), pour que « 17.0 caractères par
        seconde (maximum 17) » ne soit jamais signalé."""
        return round_half_up(self.cps, 1)

    def as_dict(self):
        return {"start": round(self.start, 3), "end": round(self.end, 3), "text": self.text,
                "origin": self.origin or (ORIGIN_TODO if not self.text.strip() else ORIGIN_PERSON),
                "model": self.model, "language": self.language}


ORIGIN_MACHINE = "machine"
ORIGIN_PERSON = "person"
ORIGIN_IMPORT = "import"
ORIGIN_TODO = "todo"


@dataclass
class Issue:
    index: int  # numéro de la réplique (à partir de 1)
    code: str
    message: str
    fixable: bool = False

    def as_dict(self):
        return asdict(self)


class SubtitleParseError(Exception):
    """Fichier de sous-titres mal formé : `line` est le numéro de ligne (à partir de 1)."""

    def __init__(self, line, reason):
        self.line = line
        self.reason = reason
        super().__init__(_("Ligne %(line)d : %(reason)s") % {"line": line, "reason": reason})


class NormError(Exception):
    """Export refusé : la piste enfreint des normes qu'on ne peut pas corriger automatiquement."""

    def __init__(self, issues):
        self.issues = issues
        super().__init__("; ".join(f"#{i.index} {i.message}" for i in issues[:10]))


# --- Temps -------------------------------------------------------------------------------------

def format_time(seconds, sep="."):
    ms = int(round(max(0.0, seconds) * 1000))
    h, rest = divmod(ms, 3600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


TIME_RE = re.compile(r"^(-)?(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})$")
ARROW_RE = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(?:\s+.*)?$")


# --- Texte des répliques WebVTT ------------------------------------------------------------------
# Dans une réplique, le texte est gardé décodé (« R&lt;D » devient « R<D », une seule fois) et les
# balises de voix (`<v Awa>`, `<v.fort Awa>`, `</v>`) sont gardées telles quelles : elles disent qui parle.
# Les autres balises (<i>, <b>, <c.classe>, horodatages…) sont retirées. L'écriture fait l'inverse :
# un fichier lu puis réécrit redonne les mêmes octets.

VOICE_RE = re.compile(r"<v(?:\.[^\s>]+)*(?:[ \t][^>]*)?>|</v>")
VOICE_NAME_RE = re.compile(r"<v(?:\.[^\s>]+)*(?:[ \t]([^>]*))?>")
TAG_RE = re.compile(r"<[^>]*>")
# Entités réécrites par leur nom : les caractères invisibles resteraient sinon indiscernables.
NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\u00a0": "&nbsp;", "\u200e": "&lrm;", "\u200f": "&rlm;"}


def strip_voice(text):
    return VOICE_RE.sub("", text)


def voice_parts(text):
    """Texte gardé → [(qui parle, texte)] pour l'affichage : le nom vient de la balise de voix (entités
    décodées), "" hors voix. Aucune balise ne reste dans les textes (le gabarit échappe le tout)."""
    parts, speaker, pos = [], "", 0

    def add(chunk):
        if not chunk.strip():
            return
        if parts and parts[-1][0] == speaker:
            parts[-1] = (speaker, parts[-1][1] + chunk)
        else:
            parts.append((speaker, chunk))

    for match in VOICE_RE.finditer(text):
        add(text[pos:match.start()])
        name = VOICE_NAME_RE.fullmatch(match.group(0))  # « <v.classe Awa> » → « Awa » ; « </v> » → rien
        speaker = " ".join(html.unescape(name.group(1) or "").split()) if name else ""
        pos = match.end()
    add(text[pos:])
    return [(who, " ".join(chunk.split())) for who, chunk in parts]


def spoken_text(text):
    """Texte gardé → texte lisible d'un bloc : « Awa : … » pour chaque voix, sans aucune balise."""
    return " ".join(f"{who} : {chunk}" if who else chunk for who, chunk in voice_parts(text))


def vtt_cue_text(raw):
    """Texte brut d'une réplique WebVTT → texte gardé (entités décodées une fois, voix gardées)."""
    out, pos = [], 0
    for match in TAG_RE.finditer(raw):
        out.append(html.unescape(raw[pos:match.start()]))
        if VOICE_RE.fullmatch(match.group(0)):
            out.append(match.group(0))
        pos = match.end()
    out.append(html.unescape(raw[pos:]))
    return "".join(out)


def vtt_escape(text):
    """Texte gardé → texte de réplique WebVTT (entités écrites, balises de voix laissées)."""
    out, pos = [], 0
    for match in VOICE_RE.finditer(text):
        out.append("".join(NAMED.get(ch, ch) for ch in text[pos:match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append("".join(NAMED.get(ch, ch) for ch in text[pos:]))
    return "".join(out)


def parse_time(value, line):
    match = TIME_RE.match(value.strip())
    if not match:
        raise SubtitleParseError(line, _("horodatage illisible « %(v)s » (attendu 00:01:02,500)") % {"v": value})
    neg, h, m, s, ms = match.groups()
    if neg:
        raise SubtitleParseError(line, _("temps négatif « %(v)s »") % {"v": value})
    if int(m) > 59 or int(s) > 59:
        raise SubtitleParseError(line, _("horodatage impossible « %(v)s »") % {"v": value})
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


# --- Décodage -----------------------------------------------------------------------------------

def decode_bytes(data):
    """Décode un fichier de sous-titres : UTF-8 (avec ou sans BOM), UTF-16 avec BOM, sinon Windows-1252/Latin-1.

    Renvoie (texte, encodage détecté).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


# --- Lecture ------------------------------------------------------------------------------------

def _check_sequence(cues):
    for previous, cue in zip(cues, cues[1:]):
        if cue.start < previous.start:
            raise SubtitleParseError(
                cue.line, _("réplique hors d'ordre (commence avant la précédente, %(t)s)") % {"t": format_time(cue.start)}
            )
    return cues


def _parse_blocks(text, *, vtt):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cues = []
    i = 0
    n = len(lines)
    if vtt:
        if not lines or not lines[0].startswith("WEBVTT"):
            raise SubtitleParseError(1, _("un fichier WebVTT doit commencer par « WEBVTT »"))
        i = 1
        while i < n and lines[i].strip():  # en-têtes
            i += 1
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        if vtt and (lines[i].startswith("NOTE") or lines[i].startswith("STYLE") or lines[i].startswith("REGION")):
            while i < n and lines[i].strip():
                i += 1
            continue
        # Identifiant facultatif (VTT) ou numéro (SRT).
        timing_line = i
        if "-->" not in lines[i]:
            if not vtt and not lines[i].strip().isdigit():
                raise SubtitleParseError(i + 1, _("numéro de réplique attendu, trouvé « %(t)s »") % {"t": lines[i][:40]})
            timing_line = i + 1
        if timing_line >= n or "-->" not in lines[timing_line]:
            raise SubtitleParseError(min(timing_line, n - 1) + 1, _("ligne de temps « début --> fin » attendue"))
        match = ARROW_RE.match(lines[timing_line])
        if not match:
            raise SubtitleParseError(timing_line + 1, _("ligne de temps mal formée"))
        start = parse_time(match.group(1), timing_line + 1)
        end = parse_time(match.group(2), timing_line + 1)
        if end <= start:
            raise SubtitleParseError(timing_line + 1, _("la fin (%(end)s) n'est pas après le début (%(start)s)")
                                     % {"end": match.group(2), "start": match.group(1)})
        i = timing_line + 1
        body = []
        while i < n and lines[i].strip():
            if "-->" in lines[i]:
                raise SubtitleParseError(i + 1, _("ligne vide manquante avant cette ligne de temps"))
            body.append(lines[i].strip())
            i += 1
        text = "\n".join(body)
        if vtt:
            text = vtt_cue_text(text)
        else:
            text = re.sub(r"</?[ibu]>|</?font[^>]*>|\{\\[^}]*\}", "", text)
        if not strip_voice(text).strip():
            raise SubtitleParseError(block_start + 1, _("réplique sans texte"))
        cues.append(Cue(start, end, text, line=block_start + 1))
    if not cues:
        raise SubtitleParseError(1, _("aucune réplique trouvée"))
    return _check_sequence(cues)


def parse_srt(text):
    return _parse_blocks(text.lstrip("\ufeff"), vtt=False)


def parse_vtt(text):
    return _parse_blocks(text.lstrip("\ufeff"), vtt=True)


def parse_subtitles(data, filename=""):
    """Lit un fichier SRT ou VTT (octets). Renvoie (répliques, format, encodage). Lève SubtitleParseError."""
    text, encoding = decode_bytes(data)
    stripped = text.lstrip("\ufeff")
    fmt = "vtt" if stripped.startswith("WEBVTT") or filename.lower().endswith(".vtt") else "srt"
    cues = parse_vtt(stripped) if fmt == "vtt" else parse_srt(stripped)
    return cues, fmt, encoding


# --- Écriture -----------------------------------------------------------------------------------

def to_vtt(cues, notes=()):
    out = ["WEBVTT", ""]
    for note in notes:
        out += ["NOTE " + note.replace("-->", "->"), ""]
    for n, cue in enumerate(cues, 1):
        out += [str(n), f"{format_time(cue.start)} --> {format_time(cue.end)}", vtt_escape(cue.text), ""]
    return "\n".join(out)


def to_srt(cues):
    out = []
    for n, cue in enumerate(cues, 1):
        out += [str(n), f"{format_time(cue.start, ',')} --> {format_time(cue.end, ',')}", cue.plain, ""]
    return "\n".join(out)


# --- Lignes -------------------------------------------------------------------------------------

def _is_article(word, language):
    articles = ARTICLES.get((language or "fr")[:2])
    if not articles:
        return False
    w = word.lower().strip("«»\"“”(")
    return w in articles or (w.endswith(("'", "’")) and len(w) <= 3)


def ends_with_article(line, language):
    words = line.split()
    return bool(words) and _is_article(words[-1], language)


def wrap(text, language="fr", max_line=MAX_LINE):
    """Répartit `text` sur une ou deux lignes : jamais après un article, lignes équilibrées.

    Renvoie le texte avec au plus un saut de ligne. Si le texte dépasse deux lignes pleines, le
    résultat reste trop long : le validateur le signale (il faut couper la réplique).
    """
    flat = " ".join(text.split())
    if len(flat) <= max_line:
        return flat
    words = flat.split(" ")
    best = None
    for k in range(1, len(words)):
        first, second = " ".join(words[:k]), " ".join(words[k:])
        over = max(0, len(first) - max_line) + max(0, len(second) - max_line)
        article = 1 if _is_article(words[k - 1], language) else 0
        # Priorité : rien qui dépasse, pas d'article en fin de ligne, coupure après ponctuation,
        # puis lignes équilibrées (la ligne du haut plutôt plus courte : pyramide inversée évitée).
        punct = 0 if words[k - 1][-1:] in ",;:.!?" else 1
        score = (over, article, punct if over == 0 else 0, abs(len(first) - len(second)))
        if best is None or score < best[0]:
            best = (score, first + "\n" + second)
    return best[1]


# --- Validation ---------------------------------------------------------------------------------

def validate(cues, language="fr"):
    """Liste toutes les entorses aux normes, réplique par réplique."""
    issues = []
    for n, cue in enumerate(cues, 1):
        lines = cue.lines
        if not cue.plain.strip():
            issues.append(Issue(n, "empty", _("réplique vide")))
            continue
        if cue.start < 0 or cue.end < 0:
            issues.append(Issue(n, "negative", _("temps négatif")))
        if cue.end <= cue.start:
            issues.append(Issue(n, "order", _("la fin n'est pas après le début")))
            continue
        flat_len = cue.chars
        if len(lines) > MAX_LINES:
            issues.append(Issue(n, "lines", _("%(n)d lignes (maximum %(max)d)") % {"n": len(lines), "max": MAX_LINES},
                                fixable=flat_len <= MAX_LINE * MAX_LINES))
        for line in lines:
            if len(line) > MAX_LINE:
                issues.append(Issue(n, "line_length", _("ligne de %(n)d caractères (maximum %(max)d) : « %(line)s »")
                                    % {"n": len(line), "max": MAX_LINE, "line": line[:60]},
                                    fixable=flat_len <= MAX_LINE * MAX_LINES))
        if flat_len > MAX_LINE * MAX_LINES:
            issues.append(Issue(n, "too_long", _("texte trop long pour deux lignes (%(n)d caractères) : coupez la réplique")
                                % {"n": flat_len}))
        for line in lines[:-1]:
            if ends_with_article(line, language):
                issues.append(Issue(n, "article", _("retour à la ligne entre « %(w)s » et son nom")
                                    % {"w": line.split()[-1]}, fixable=True))
        duration = round_half_up(cue.duration, 2)
        if duration < round_half_up(MIN_DURATION, 2):
            issues.append(Issue(n, "short", _("affichée %(d).2f s (minimum 5/6 s)") % {"d": duration}))
        if duration > MAX_DURATION:
            issues.append(Issue(n, "long", _("affichée %(d).2f s (maximum 7 s)") % {"d": duration}))
        if cue.cps_shown > MAX_CPS:
            issues.append(Issue(n, "cps", _("%(cps).1f caractères par seconde (maximum 17)") % {"cps": cue.cps_shown}))
        if n > 1 and cue.start < cues[n - 2].end - 1e-6:
            issues.append(Issue(n, "overlap", _("chevauche la réplique précédente (%(a)s < %(b)s)")
                                % {"a": format_time(cue.start), "b": format_time(cues[n - 2].end)}))
    return issues


def rewrap(cues, language="fr"):
    """Corrige ce qui peut l'être sans toucher au sens : le découpage des lignes."""
    fixed = []
    for cue in cues:
        text = cue.text
        lines = text.split("\n")
        needs = (
            len(lines) > MAX_LINES
            or any(len(line) > MAX_LINE for line in lines)
            or any(ends_with_article(line, language) for line in lines[:-1])
        )
        fixed.append(replace(cue, text=wrap(text, language)) if needs else cue)
    return fixed


def prepare_export(cues, language="fr", allow_issues=False):
    """Répliques prêtes à exporter : lignes redécoupées ; lève NormError s'il reste des entorses."""
    cues = rewrap(cues, language)
    issues = validate(cues, language)
    if issues and not allow_issues:
        raise NormError(issues)
    return cues, issues


# --- Construction depuis les mots horodatés -------------------------------------------------------

SENTENCE_END = (".", "?", "!", "…")


@dataclass
class TimedWord:
    start: float
    end: float
    word: str


@dataclass
class _Group:
    words: list = field(default_factory=list)

    @property
    def text(self):
        # Whisper marque le début d'un mot par une espace : « m » + « 'yose » se recollent.
        return " ".join("".join(w.word for w in self.words).split())

    @property
    def start(self):
        return self.words[0].start

    @property
    def end(self):
        return self.words[-1].end


def fits(text, language="fr"):
    """Vrai si `text` tient en deux lignes de 42 caractères sans couper après un article."""
    lines = wrap(text, language).split("\n")
    return len(lines) <= MAX_LINES and all(len(line) <= MAX_LINE for line in lines) and not any(
        ends_with_article(line, language) for line in lines[:-1])


def build_cues(words, language="fr", max_chars=MAX_LINE * MAX_LINES, max_duration=MAX_DURATION, pause=0.8,
               until=None):
    """Regroupe des mots horodatés en répliques qui respectent au mieux les normes.

    `until` : aucune réplique ne dépasse cet instant (début du passage suivant)."""
    groups = []
    current = _Group()
    for word in words:
        token = word.word.strip()
        if not token:
            continue
        joins = not word.word[:1].isspace() and bool(current.words)
        if current.words and not joins:
            candidate = f"{current.text} {token}"
            gap = word.start - current.end
            too_long = len(candidate) > max_chars or not fits(candidate, language)
            too_slow = word.end - current.start > max_duration
            # Coupure naturelle : fin de phrase déjà assez longue, ou pause.
            natural = gap >= pause or (current.text.endswith(SENTENCE_END) and len(current.text) >= 20)
            if too_long or too_slow or natural:
                groups.append(current)
                current = _Group()
        current.words.append(TimedWord(word.start, word.end, word.word))
    if current.words:
        groups.append(current)

    cues = []
    for k, group in enumerate(groups):
        start, end = group.start, group.end
        limit = groups[k + 1].start if k + 1 < len(groups) else end + MAX_DURATION
        if until is not None:
            limit = min(limit, max(until, end))
        text = group.text
        wanted = max(MIN_DURATION, len(text) / MAX_CPS)
        if end - start < wanted:
            end = min(start + wanted, limit, start + MAX_DURATION)
        if end - start < MIN_DURATION and start > 0:
            # Pas de place après : on avance un peu le début si la réplique précédente le permet.
            floor = cues[-1].end if cues else 0.0
            start = max(floor, end - MIN_DURATION)
        cues.append(Cue(round(start, 3), round(end, 3), wrap(text, language)))
    return cues


def cues_from_segments(segments, language="fr", until=None):
    """Répliques depuis des segments Whisper (dicts avec `words`, sinon le segment entier)."""
    words = []
    for seg in segments:
        words += _timed_words(seg)
    return build_cues(words, language, until=until)


def todo_cues(start, end, language=""):
    """Répliques vides « à transcrire » couvrant [start, end], chacune de 7 s au plus."""
    if end <= start:
        return []
    n = max(1, math.ceil((end - start) / MAX_DURATION - 1e-6))
    step = (end - start) / n
    return [Cue(round(start + k * step, 3), round(start + (k + 1) * step if k + 1 < n else end, 3), "",
                origin=ORIGIN_TODO, language=language) for k in range(n)]


def _timed_words(seg):
    seg_words = seg.get("words") or []
    if seg_words:
        return [TimedWord(w["start"], w["end"], w["word"]) for w in seg_words]
    tokens = seg["text"].split()
    if not tokens:
        return []
    step = (seg["end"] - seg["start"]) / len(tokens)
    return [TimedWord(seg["start"] + i * step, seg["start"] + (i + 1) * step, " " + t) for i, t in enumerate(tokens)]


def cues_from_spans(spans, segments):
    """Répliques d'une transcription par passages de langue (engine.transcribe_by_passage).

    `spans` : passages dans l'ordre, dicts {start, end, language, model} (model vide : personne ne l'a
    transcrit). Chaque mot des `segments` Whisper va au passage qui contient son milieu (au plus proche
    sinon). Un passage transcrit donne des répliques « machine » (avec le nom du modèle) qui ne
    débordent pas sur le passage suivant ; un passage non transcrit, ou où le modèle n'a rien écrit, donne
    des répliques vides « à transcrire ».
    """
    spans = sorted(spans, key=lambda sp: sp["start"])
    words = [[] for _ in spans]
    for seg in segments:
        for word in _timed_words(seg):
            middle = (word.start + word.end) / 2
            k = min(range(len(spans)), key=lambda i: 0 if spans[i]["start"] <= middle <= spans[i]["end"] else
                    min(abs(spans[i]["start"] - middle), abs(spans[i]["end"] - middle)), default=None)
            if k is not None and spans[k].get("model"):
                words[k].append(word)
    cues = []
    for k, span in enumerate(spans):
        nxt = spans[k + 1]["start"] if k + 1 < len(spans) else None
        floor = cues[-1].end if cues else 0.0
        built = build_cues(words[k], span.get("language") or "fr", until=nxt) if words[k] else []
        if not built:
            cues += todo_cues(max(span["start"], floor), span["end"], span.get("language", ""))
            continue
        for cue in built:
            cue = replace(cue, start=max(cue.start, floor), origin=ORIGIN_MACHINE, model=span["model"],
                          language=span.get("language", ""))
            if cue.end > cue.start:
                cues.append(cue)
                floor = cue.end
    return cues


def shift(cues, seconds):
    """Décale toutes les répliques ; refuse un résultat négatif."""
    if cues and cues[0].start + seconds < 0:
        raise ValueError(_("Le décalage rendrait des temps négatifs."))
    return [replace(c, start=round(c.start + seconds, 3), end=round(c.end + seconds, 3)) for c in cues]
