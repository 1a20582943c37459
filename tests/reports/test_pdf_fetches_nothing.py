"""A report's PDF never reads a server file or fetches an address, whatever its HTML names
(found by attacking the reports, issue 12: WeasyPrint's default fetcher embedded
``file:///etc/passwd`` as an attachment and fetched local URLs)."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from pypdf import PdfReader

from survey_app.reports.pdf import html_to_pdf


def test_no_file_is_embedded_and_no_address_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-1234", encoding="utf-8")
    asked = []

    class Listener(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server name
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        pdf = html_to_pdf(
            f'<html lang="en"><head><title>t</title><link rel="stylesheet" href="{address}/a.css">'
            f'</head><body><p>x</p><img src="{secret.as_uri()}" alt="a">'
            f'<img src="{address}/b.png" alt="b">'
            f'<link rel="attachment" href="{secret.as_uri()}"></body></html>')
    finally:
        server.shutdown()
        server.server_close()
    assert asked == []
    assert PdfReader(io.BytesIO(pdf)).attachments == {}
    assert b"TOPSECRET" not in pdf
