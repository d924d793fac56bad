"""OpenRosa 1.0 pour ODK Collect et KoBoCollect : liste des formulaires, formulaire et ses médias, envois.

- `xform.py` construit le formulaire de projection (XForm, par pyxform) d'après les options du plan que
  l'animatrice peut choisir maintenant ; sa version est une empreinte de ces options.
- `auth.py` authentifie chaque animatrice (HTTP Basic, sous HTTPS).
- `views.py` : les vues OpenRosa, minces, qui appellent `interop.flows.receive_odk_submission`.
"""
