"""Fabrication des rendus (vidéo web et téléphone, audio, affiche, vignettes, forme d'onde, couverture
de PDF, images Wagtail) et des extraits de chapitres, en tâche de fond.

- `presets` : les préréglages, versionnés par l'empreinte de leurs réglages ;
- `ffmpeg` : lancement de ffmpeg (binaire d'imageio-ffmpeg) avec lecture de la progression ;
- `steps` : une fonction par type de rendu, qui écrit dans un dossier temporaire ;
- `jobs` : exécution d'un travail (ProcessingJob), publication atomique, reprise après interruption ;
- `clips` : découpage des sous-titres WebVTT pour un extrait, signal `clip_ready`.
"""
