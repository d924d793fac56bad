import re
import pytest
from django.urls import reverse

def test_dump(admin_client, db):
    from media_library.tests import factories as mf
    from exhibitions.models import HomePage
    mf.PartnerFactory(name="ARACEM long", acronym="ARACEM")
    for name, u in [("place", "/admin/communication/lieux/new/"), ("plan", "/admin/communication/plans/new/"),
                    ("partner", "/admin/snippets/media_library/partnerorganisation/add/")]:
        open(f"/tmp/u19scratch/{name}.html", "w").write(admin_client.get(u).content.decode())
    from wagtail.models import Page; home = Page.objects.get(depth=2)
    r = admin_client.get(f"/admin/pages/add/exhibitions/toolkitpage/{home.pk}/")
    open("/tmp/u19scratch/toolkit.html", "w").write(r.content.decode())
    r = admin_client.get(f"/admin/pages/{home.pk}/")
    open("/tmp/u19scratch/explorer.html", "w").write(r.content.decode())
