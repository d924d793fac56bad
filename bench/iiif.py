"""Banc du poids d'une body map (ou d'une photo Photo Voice) au téléphone : zoom profond IIIF (tuiles) contre l'ancien JPEG unique.

    .venv/bin/python bench/iiif.py [--kind body_map|photovoice] [--size 3000x4500] [--runs 3] [--port 8161]

Avec `--kind photovoice` (taille par défaut 4000x3000, une photo de téléphone), la page est celle d'une
exposition avec un bloc Photo Voice ; l'ancienne approche est l'image unique du bloc (sans zoom : la
référence « après agrandissement » est alors la même image).

1. Dans un dossier temporaire : `migrate`, puis une body map « peinte » de `--size` pixels (texturée, elle
   se compresse comme une photo de tableau) ingérée par le vrai chemin (ingest_file → travail de rendus →
   pyramide libvips), consentie, dans une exposition en ligne publiée. Servie sur 127.0.0.1:`--port`.
2. Chromium de Debian (Playwright) à 360 × 740, comme un téléphone, charge la page d'exposition et compte
   les octets de chaque réponse d'image (corps reçus) jusqu'à ce que le tableau entier soit affiché
   (OpenSeadragon : toutes les tuiles de la vue chargées, réseau au repos). Puis UN agrandissement (×2).
3. Référence dans la même exécution : l'ancienne approche, un seul JPEG. On la mesure par la même page
   sans JavaScript (repli <noscript> : le JPEG de 1 200 px que l'ancien gabarit chargeait à l'ouverture)
   et on ajoute le JPEG de 2 400 px que l'ancien script chargeait au premier agrandissement.
4. `--runs` paires alternées (nouveau, ancien, nouveau, ancien…) : médianes, écart (min–max), rapport.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import env_for, manage, stop  # noqa: E402

# Comme paroles.browser_testing (sans charger les réglages Django dans ce processus).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]

SETUP = """
import json, sys, django
django.setup()
from pathlib import Path
from iiif.testing import body_map_exhibition, photovoice_exhibition
from media_library.models import Rendition
w, h = (int(v) for v in sys.argv[1].split("x"))
make = photovoice_exhibition if sys.argv[3] == "photovoice" else body_map_exhibition
work, page = make(Path(sys.argv[2]), size=(w, h))
media = work.files.first()
large = media.image.get_rendition("max-2400x2400")
pyramid = Rendition.objects.get(media_file=media, kind="iiif")
print(json.dumps({"url": page.url, "large": large.get_serve_url("website"), "large_bytes": large.file.size,
                  "original_bytes": media.file.size, "tiles": pyramid.meta.get("files"), "tree_bytes": pyramid.size}))
"""

READY = """(fig) => { const v = fig.querySelector('.bodymap-osd').parolesViewer;
  return fig.dataset.ready === '1' && v.world.getItemCount() === 1 && v.world.getItemAt(0).getFullyLoaded(); }"""


DPR = 1
FIGURE = "[data-bodymap][data-iiif]"


def measure(browser, base, url, *, javascript, zoom):
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True,
                                  device_scale_factor=DPR, java_script_enabled=javascript)
    page = context.new_page()
    bodies = []

    def on_response(response):
        # Toute réponse d'image, quelle que soit la façon dont elle est demandée (<img>, fetch du visionneur).
        if (response.headers.get("content-type") or "").startswith("image/"):
            try:
                bodies.append(len(response.body()))
            except Exception:  # noqa: BLE001 - réponse sans corps (redirection)
                pass

    page.on("response", on_response)
    page.goto(base + url)
    if javascript:
        fig = page.locator(FIGURE).first
        fig.scroll_into_view_if_needed()  # le visionneur démarre quand le tableau approche de l'écran
        page.wait_for_function(READY, arg=fig.element_handle(), timeout=60000)
    page.wait_for_load_state("networkidle")
    at_open = sum(bodies)
    count_open = len(bodies)
    after_zoom = at_open
    if zoom and javascript:
        fig.locator("button[data-zoom=in]").click()
        fig.locator("button[data-zoom=in]").click()  # 1,5 × 1,5 ≈ × 2,25
        page.wait_for_function(READY, arg=fig.element_handle(), timeout=60000)
        page.wait_for_load_state("networkidle")
        after_zoom = sum(bodies)
    context.close()
    return at_open, after_zoom, count_open


def wait_for(port, proc):
    import socket
    import time

    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"le serveur s'est arrêté : {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    raise SystemExit("le serveur n'a pas démarré en 60 s")


def kb(n):
    return f"{n / 1024:.1f} Ko"


def spread(values):
    return f"{kb(statistics.median(values))} (écart {kb(min(values))}–{kb(max(values))})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["body_map", "photovoice"], default="body_map")
    parser.add_argument("--size", default=None, help="dimensions de l'image (pixels ; 3000x4500 ou 4000x3000)")
    parser.add_argument("--runs", type=int, default=3, help="paires alternées nouveau/ancien")
    parser.add_argument("--port", type=int, default=8161)
    parser.add_argument("--dpr", type=float, default=1, help="densité de pixels de l'écran (2 ou 3 : téléphone récent)")
    args = parser.parse_args()
    global DPR, FIGURE
    DPR = args.dpr
    photovoice = args.kind == "photovoice"
    FIGURE = "[data-photovoice][data-iiif]" if photovoice else "[data-bodymap][data-iiif]"
    args.size = args.size or ("4000x3000" if photovoice else "3000x4500")
    name = "Photo Voice" if photovoice else "Body map"
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="paroles-bench-iiif-"))
    env = env_for(tmp)
    print(f"Préparation dans {tmp} : migrate, {name} {args.size} (ingestion réelle, pyramide libvips)…", flush=True)
    manage(env, "migrate", "--noinput", "-v", "0")
    info = json.loads(subprocess.run([sys.executable, "-c", SETUP, args.size, str(tmp / "sources"), args.kind], cwd=ROOT,
                                     env=env, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    print(f"Original : {kb(info['original_bytes'])} ; pyramide : {info['tiles']} fichiers, {kb(info['tree_bytes'])} ; "
          f"JPEG 2 400 px de l'ancien zoom : {kb(info['large_bytes'])}")
    # runserver --insecure : sert aussi les fichiers statiques (OpenSeadragon), DEBUG coupé. Ce banc compte
    # des octets, pas des requêtes par seconde.
    server = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{args.port}",
                               "--insecure", "--noreload", "--skip-checks"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{args.port}"
    wait_for(args.port, server)
    new_open, new_zoom, old_open, old_zoom, counts = [], [], [], [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            measure(browser, base, info["url"], javascript=True, zoom=False)  # échauffement (non compté)
            for _ in range(args.runs):
                at_open, after_zoom, count = measure(browser, base, info["url"], javascript=True, zoom=True)
                new_open.append(at_open)
                new_zoom.append(after_zoom)
                counts.append(count)
                at_open, _same, _count = measure(browser, base, info["url"], javascript=False, zoom=False)
                old_open.append(at_open)
                old_zoom.append(at_open if photovoice else at_open + info["large_bytes"])
            browser.close()
    finally:
        stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{name} {args.size} au téléphone (360 × 740, densité {args.dpr:g}), octets d'image reçus — médianes de {args.runs} paires :")
    print(f"  IIIF (tuiles), image entière affichée : {spread(new_open)} en {statistics.median(counts):.0f} requêtes")
    print(f"  ancien JPEG unique, à l'ouverture   : {spread(old_open)}")
    print(f"  rapport IIIF / ancien (ouverture)   : {statistics.median(new_open) / statistics.median(old_open):.3f}")
    print(f"  après un agrandissement (× 2,25)    : IIIF {spread(new_zoom)} ; ancien {spread(old_zoom)} "
          f"(rapport {statistics.median(new_zoom) / statistics.median(old_zoom):.3f})")
    limit = 300 * 1024
    verdict = "OK" if statistics.median(new_open) < limit else "TROP LOURD"
    print(f"  objectif < 300 Ko avant tout agrandissement : {verdict}")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
