"""Le modèle de site nginx (deploy/nginx/paroles.conf) passe `nginx -t` (nginx-light de Debian en CI)."""

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "paroles.conf"


def _nginx():
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("nginx est introuvable alors que CI=true : .ci/run doit installer nginx-light.")
        pytest.skip("nginx n'est pas installé (apt-get install nginx-light) : test du modèle nginx sauté.")
    return path


def _self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "paroles.example.org")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    (tmp_path / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def test_nginx_site_template_parses(tmp_path):
    nginx = _nginx()
    _self_signed(tmp_path)
    for d in ("static", "private", "acme", "temp"):
        (tmp_path / d).mkdir()
    site = TEMPLATE.read_text()
    assert "internal;" in site and "location /_protege/" in site  # X-Accel-Redirect de la porte
    site = (site.replace("/etc/letsencrypt/live/paroles.example.org", str(tmp_path))
                .replace("/srv/paroles/var/static/", f"{tmp_path}/static/")
                .replace("/srv/paroles/var/private/", f"{tmp_path}/private/")
                .replace("/var/www/html", f"{tmp_path}/acme"))
    # Ports non privilégiés : le test tourne aussi sans être root.
    site = site.replace("listen 80;", "listen 127.0.0.1:18080;").replace("listen [::]:80;", "")
    site = site.replace("listen 443 ssl http2;", "listen 127.0.0.1:18443 ssl http2;").replace("listen [::]:443 ssl http2;", "")
    (tmp_path / "paroles.conf").write_text(site)
    temp = tmp_path / "temp"
    (tmp_path / "nginx.conf").write_text(f"""
pid {tmp_path}/nginx.pid;
error_log stderr;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp_path}/paroles.conf;
}}
""")
    proc = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "syntax is ok" in proc.stderr and "test is successful" in proc.stderr


def test_production_prefix_matches_the_internal_location(monkeypatch):
    """La porte et nginx doivent parler du même préfixe."""
    site = TEMPLATE.read_text()
    env = (ROOT / "deploy" / "paroles.env.example").read_text()
    assert "PAROLES_ACCEL_REDIRECT_PREFIX=/_protege/" in env
    assert "location /_protege/ {" in site and "alias /srv/paroles/var/private/;" in site
    assert "PAROLES_PRIVATE_MEDIA_ROOT=/srv/paroles/var/private" in env
