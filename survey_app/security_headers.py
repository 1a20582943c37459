"""HTTP security headers, HTTPS-only cookies, and a trusted reverse proxy.

Every response says that the page may only load its own scripts and styles
(no inline code, so an injected ``<script>`` or ``style`` does nothing), may
not be framed, must not be sniffed into another type, sends no referrer, and
(pages, unless a view chose otherwise) must not be stored by a browser or proxy: a
shared school tablet must not keep a staff page or a pupil's answers in its
cache. Over HTTPS, browsers are told to use HTTPS only (HSTS) and the session
cookie is marked ``Secure``.

Behind a reverse proxy the app sees the proxy's address and plain HTTP. Set
``PROXY_COUNT`` to the number of proxies in front of the app; then (and only
then) ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed, as many hops
as configured, so that a client cannot claim another address or HTTPS.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

#: No inline script or style anywhere; the district map and smileys are inline SVG
#: (presentation attributes, no style attributes), which this allows.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HSTS = "max-age=31536000"


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is ``Secure`` whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if request.endpoint != "static" and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    headers.pop("Server", None)
    return response


def install(app: Flask) -> None:
    """Add the headers to every response; trust ``PROXY_COUNT`` reverse proxies."""
    app.session_interface = HttpsAwareSessionInterface()
    app.after_request(_add_headers)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
