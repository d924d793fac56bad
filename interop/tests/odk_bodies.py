"""Des corps de requête OpenRosa comme ODK Collect les envoie (multipart/form-data fait à la main)."""

import base64
import datetime as dt
import uuid

from django.utils import timezone

BOUNDARY = "----OkHttpBoundary7c1e0f2a9b"


def basic(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def instance_xml(setup, *, instance_id=None, version="x", **overrides):
    values = {
        "partner": setup["aracem"].pk,
        "started_at": (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.000+00:00"),
        "channel": "community_talk",
        "venue_type": "idp_site",
        "place": setup["places"]["faladie_site"].pk,
        "works": " ".join(str(w.pk) for w in setup["works"]),
        "girls": 2, "boys": 1, "women": 9, "men": 3,
        "migrants": 0, "refugees": 0, "idps": 12, "host_community": 3, "authorities": 0, "media_people": 0,
        "other_group": 0, "sex_workers": 0, "gender_minorities": 0, "referrals": 2,
        "estimated_audience": "", "discussion_minutes": 45, "themes": "", "quotes": "« On ne savait pas. »",
        "referrals_note": "", "follow_up_needed": "no", "follow_up_note": "", "attendance_sheet": "",
    }
    values.update(overrides)
    instance_id = instance_id or f"uuid:{uuid.uuid4()}"
    people = ("girls", "boys", "women", "men", "migrants", "refugees", "idps", "host_community", "authorities",
              "media_people", "other_group", "sex_workers", "gender_minorities", "referrals")

    def el(name):
        return f"<{name}>{values[name]}</{name}>" if values[name] != "" else f"<{name}/>"

    top = [n for n in values if n not in people]
    head = "".join(el(n) for n in top[:6])
    group = "<people>" + "".join(el(n) for n in people) + "</people>"
    tail = "".join(el(n) for n in top[6:])
    xml = (
        "<?xml version='1.0' ?><data id=\"paroles-projection\" version=\"" + version + "\" "
        'xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" '
        'xmlns:orx="http://openrosa.org/xforms" xmlns:odk="http://www.opendatakit.org/xforms">'
        f"{head}{group}{tail}<meta><instanceID>{instance_id}</instanceID></meta></data>"
    )
    return xml.encode("utf-8"), instance_id


def multipart(xml, attachments=(), *, instance_name="Fiche_2026-11-30_10-15-00.xml"):
    """Le corps d'un POST /submission d'ODK Collect : xml_submission_file puis chaque pièce jointe."""
    parts = [(b"xml_submission_file", instance_name.encode(), b"text/xml", xml)]
    for name, content_type, data in attachments:
        parts.append((name.encode(), name.encode(), content_type.encode(), data))
    body = b""
    for field, filename, content_type, data in parts:
        body += (b"--" + BOUNDARY.encode() + b"\r\n"
                 b'Content-Disposition: form-data; name="' + field + b'"; filename="' + filename + b'"\r\n'
                 b"Content-Type: " + content_type + b"\r\n"
                 b"Content-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data + b"\r\n")
    body += b"--" + BOUNDARY.encode() + b"--\r\n"
    return body


def post(client, body, auth):
    return client.generic(
        "POST", "/odk/submission", body, content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_AUTHORIZATION=auth, HTTP_X_OPENROSA_VERSION="1.0",
    )
