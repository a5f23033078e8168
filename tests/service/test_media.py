"""Audio files: Range (206), past the end (416), HEAD, long-lived cache headers."""

from flask import Flask
from flask.testing import FlaskClient


def test_range_requests(app: Flask, client: FlaskClient) -> None:
    data = bytes(range(256)) * 40
    name = app.extensions["bantin"]["storage"].put(data, "mp3")
    url = f"/audio/{name}"

    def fetch(method: str, **kw: object):  # type: ignore[no-untyped-def]
        resp = client.open(url, method=method, **kw)
        resp.get_data()
        resp.close()  # send_file responses hold the file open until closed
        return resp

    r = fetch("GET", headers={"Range": "bytes=0-1"})
    assert r.status_code == 206
    assert r.data == data[:2]
    assert r.headers["Content-Range"] == f"bytes 0-1/{len(data)}"

    r = fetch("GET", headers={"Range": "bytes=100-"})
    assert r.status_code == 206 and r.data == data[100:]

    r = fetch("GET", headers={"Range": f"bytes={len(data)}-"})
    assert r.status_code == 416

    r = fetch("HEAD")
    assert r.status_code == 200
    assert int(r.headers["Content-Length"]) == len(data)
    assert r.headers["Accept-Ranges"] == "bytes"
    assert "immutable" in r.headers["Cache-Control"]
    assert r.headers["Content-Type"] == "audio/mpeg"

    full = fetch("GET")
    assert full.status_code == 200 and full.data == data


def test_bad_names_are_404(client: FlaskClient) -> None:
    for name in ("../../etc/passwd", "abc.mp3", "0" * 32 + ".mp3"):
        assert client.get(f"/audio/{name}").status_code == 404
