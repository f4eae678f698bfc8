"""The public verification page of a certificate, which is also the printable certificate.

It shows what the certificate says (name, cohort, city, modules, date) and nothing else about
the person, so anyone holding the code or the QR code can check it."""

from __future__ import annotations

from flask import redirect, render_template, url_for

from training.services import certificates
from training.web.certificates import bp
from training.web.public_links import external_url


@bp.get("/<code>")
def verify(code: str):
    certificate = certificates.get_certificate(code)
    if certificate is None:
        return render_template("certificates/unknown.html", code=code), 404
    formatted = certificates.format_code(certificate.code)
    if code != formatted:
        return redirect(url_for("certificates.verify", code=formatted), code=301)
    url = external_url("certificates.verify", code=formatted)  # PUBLIC_URL, never the Host
    return render_template(
        "certificates/certificate.html",
        en=certificates.describe_certificate(certificate, "en"),
        zh=certificates.describe_certificate(certificate, "zh"),
        qr=certificates.qr_svg(url),
        url=url,
    )
