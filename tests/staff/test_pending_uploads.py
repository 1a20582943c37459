"""Uploads waiting for the district import's preview are bounded on disk.

Noticed when attacking the uploads (issue 12): every upload of up to 16 MB stayed in
the instance folder for a day, however many an admin sent. Now a session's new
upload replaces its earlier one, and the oldest go when the folder would outgrow its
bound; an admin whose file went is asked to upload it again.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from survey_app.services import pending_uploads
from tests.staff.test_district_import import admin, choose, feature, geojson, upload  # noqa: F401


def _tokens(instance: str | Path) -> set[str]:
    return {p.stem for p in (Path(instance) / "pending-uploads").iterdir()}


def test_a_new_upload_replaces_the_sessions_earlier_one(tmp_path):
    first = pending_uploads.keep(str(tmp_path), b"one", "a.geojson")
    second = pending_uploads.keep(str(tmp_path), b"two", "b.geojson", replaces=first)
    assert _tokens(tmp_path) == {second}
    assert pending_uploads.load(str(tmp_path), second) == (b"two", "b.geojson")
    assert pending_uploads.load(str(tmp_path), first) is None
    # a token that is not one removes nothing
    third = pending_uploads.keep(str(tmp_path), b"3", "c.csv", replaces="../../etc/passwd")
    assert _tokens(tmp_path) == {second, third}


def test_the_oldest_uploads_go_when_the_folder_would_outgrow_its_bound(tmp_path, monkeypatch):
    monkeypatch.setattr(pending_uploads, "MAX_FOLDER_BYTES", 500)
    tokens = []
    for i in range(5):
        tokens.append(pending_uploads.keep(str(tmp_path), b"x" * 100, f"{i}.csv"))
        for suffix in (".bin", ".json"):  # each a second older than the next
            path = tmp_path / "pending-uploads" / f"{tokens[-1]}{suffix}"
            os.utime(path, (time.time() - 100 + i, time.time() - 100 + i))
    assert _tokens(tmp_path) == set(tokens[1:])  # 121 bytes each, with the name file
    pending_uploads.keep(str(tmp_path), b"y" * 480, "big.csv")
    assert len(_tokens(tmp_path)) == 1


def test_uploads_older_than_a_day_go(tmp_path):
    old = pending_uploads.keep(str(tmp_path), b"old", "old.csv")
    day_ago = time.time() - pending_uploads.MAX_AGE_SECONDS - 10
    for suffix in (".bin", ".json"):
        os.utime(tmp_path / "pending-uploads" / f"{old}{suffix}", (day_ago, day_ago))
    new = pending_uploads.keep(str(tmp_path), b"new", "new.csv")
    assert _tokens(tmp_path) == {new}


def test_an_admin_uploading_again_keeps_one_file(app, admin, world):
    for name in ("Nord", "Süd", "Ost"):
        assert upload(admin, world, geojson(feature(name)), "d.geojson").status_code == 200
    assert len(_tokens(app.instance_path)) == 1
    # and the preview works on the last one
    page = choose(admin, world, save=False, name_field="name").text
    assert "Ost" in page and "Nord" not in page
