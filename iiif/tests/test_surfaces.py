"""Les surfaces IIIF sont inscrites au test matrice (consent/tests/test_consent_matrix.py les éprouve)."""

from consent.surfaces import get_surfaces


def test_iiif_surfaces_are_registered_for_the_website_and_the_museum():
    surfaces = {s.name: s for s in get_surfaces()}
    names = {"IIIF : info.json", "IIIF : tuiles", "IIIF : sonde d'accès (Auth 2.0)", "IIIF : manifeste de l'œuvre",
             "IIIF : manifeste d'exposition", "IIIF : manifeste d'un bloc (Photo Voice)", "IIIF : annotations",
             "IIIF : jeton d'accès et sonde (Auth 2.0)", "IIIF : image à la carte (niveau 1)"}
    assert names <= set(surfaces)
    for name in names:
        assert surfaces[name].applies_to("website") and surfaces[name].applies_to("museum")
        assert not surfaces[name].applies_to("internal")
