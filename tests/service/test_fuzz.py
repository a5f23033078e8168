"""Property-based fuzzing of the HTTP API and pages with hostile requests.

Properties, for every generated request:

* the status is never 5xx;
* every 4xx on ``/api/`` is JSON with an ``error.field`` (null only for 401/404/405) and a
  Vietnamese ``error.message``;
* every accepted bulletin (202) reads back with its title cleaned as documented (line
  separators become newlines, control characters dropped, outer space stripped), and its
  reading page and embed player render 200 with ``lang="vi"``;
* the podcast feed always parses as XML.

``BANTIN_FUZZ_EXAMPLES`` scales every test's example count (default keeps the whole file
well under a minute on SQLite); ``DATABASE_URL`` runs it on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import re
import string
import unicodedata
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from service.models import Bulletin, Rendition
from service.settings import Settings
from service.storage import LocalStorage

SCALE = float(os.environ.get("BANTIN_FUZZ_EXAMPLES", "2.5"))


def fuzz(n: int) -> Any:
    return settings(
        max_examples=max(1, int(n * SCALE)),
        deadline=None,
        derandomize=os.environ.get("BANTIN_FUZZ_RANDOM") != "1",
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# ---------------------------------------------------------------- checking responses

FIELDS = ("title", "lead", "body", "author", "published_at", "source_url", "source",
          "language", "voice", "rate", "engine")


class Reply:
    def __init__(self, status: int, headers: Any, data: bytes, mimetype: str) -> None:
        self.status, self.headers, self.data, self.mimetype = status, headers, data, mimetype

    def json(self) -> Any:
        return json.loads(self.data.decode("utf-8"))

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


def call(client: FlaskClient, method: str, url: str, **kw: Any) -> Reply:
    """Send one request, check the universal properties, and close the response."""
    resp = client.open(url, method=method, **kw)
    try:
        reply = Reply(resp.status_code, resp.headers, resp.get_data(), resp.mimetype)
    finally:
        resp.close()
    path = url.split("?", 1)[0]
    assert reply.status < 500, (method, url, kw, reply.status, reply.data[:2000])
    if path.startswith("/api/") and 400 <= reply.status < 500 and method != "HEAD":
        assert reply.mimetype == "application/json", (method, url, reply.status, reply.data)
        err = reply.json()["error"]
        assert "field" in err, (url, err)
        if err["field"] is None:
            assert reply.status in (401, 404, 405), (method, url, kw, reply.status, err)
        else:
            # an unknown key is named as sent, so it may be "" (the key was empty)
            assert isinstance(err["field"], str), err
        msg = err.get("message")
        assert isinstance(msg, str) and msg.strip(), err
        assert any(ch in VIETNAMESE_MARKS for ch in unicodedata.normalize("NFD", msg)) \
            or any(ord(ch) > 0x7F for ch in msg), f"not Vietnamese: {msg!r}"
    return reply


#: combining marks Vietnamese spelling uses (after NFD), or đ/Đ
VIETNAMESE_MARKS = set("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\u0111\u0110")


def documented_clean(value: str) -> str:
    """Independent oracle for service.validation's cleaning of text fields: line-like
    separators → newline, other C0/C1 controls (except tab and newline) dropped, strip."""
    out = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\r":
            out.append("\n")
            if value[i + 1:i + 2] == "\n":
                i += 1
        elif ch in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029":
            out.append("\n")
        elif unicodedata.category(ch) == "Cc" and ch not in "\t\n":
            pass
        else:
            out.append(ch)
        i += 1
    return "".join(out).strip()


# ---------------------------------------------------------------- strategies

SPECIALS = [
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\r", "\r\n", "\n", "\t", "\x1c", "\x1f", "\x7f",
    "\x85", "\x9f", "\u00ad", "\u200b", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e",
    "\u2028", "\u2029", "\u2066", "\ufeff", "\ufffe", "\uffff", "\ufffd", "\ud800", "\udfff",
    "\udbff\udfff", "\U0010ffff", "\U0001f600", "\U0001f1fb\U0001f1f3", "\u0301", "\u0323",
    "e\u0302\u0301", "Đ", "đ", "ệ", "Nguyễn", "Hà Nội", "TP.HCM", "1.234.567", "10%", "&",
    "<", ">", "]]>", "<script>", '"', "'", "\\", "%", "_", "%s", "{{ 7*7 }}", "١٢٣", "𝟏𝟐",
    "..", "/", "?", "#", " ", "\u3000", "\u00a0", "ـ", "ß", "İ", "ﬀ", "\u0345",
]

hostile_char = st.one_of(
    st.characters(codec=None),
    st.characters(min_codepoint=0, max_codepoint=0x3F),
    st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Mn", "Me", "Co", "Cs"]),
)
hostile_text = st.one_of(
    st.text(hostile_char, max_size=40),
    st.lists(st.one_of(st.sampled_from(SPECIALS), st.text(hostile_char, max_size=5)),
             max_size=12).map("".join),
)
vietnamese = st.lists(st.sampled_from([
    "Bắc Kạn", "chỉ thị", "số", "42", "ngày", "26/6/2020", "UBND", "tỉnh", "đ", "Ủy ban",
    "năm", "3,5%", "km", "1.000", "tỷ đồng", ".", ",", "!", "?", "\n", "\n\n", " ", "PGS.TS",
    "Nguyễn Văn A", "12h30", "COVID-19", "https://x.vn", "—", "…", "\u200b", "\t",
]), min_size=1, max_size=25).map(" ".join)
any_text = st.one_of(vietnamese, hostile_text, st.text(max_size=60))

huge_ints = st.one_of(
    st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([2**31 - 1, 2**31, 2**63, -(2**63) - 1, 10**300, -(10**4299)]),
)
floats = st.one_of(st.floats(), st.sampled_from([0.5, 2.0, 0.4999999, 2.0000001, 1e308, -0.0]))
scalars = st.one_of(st.none(), st.booleans(), huge_ints, floats, any_text)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(any_text, inner, max_size=4)),
    max_leaves=12,
)

dates = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat(sep=" ", timespec="minutes") + "Z"),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2020-06-26",
                     "2020-02-30", "20200626", "2020-W26-5", "2020-06-26T24:00:00", "hôm qua",
                     "2020-06-26T08:00:00+07:00", "2020-06-26T08:00:00.123456789Z", "", "Z"]),
)
urls = st.one_of(
    st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}",
              st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", ""]),
              st.one_of(st.sampled_from(["baobackan.org.vn", "[::1", "[::1]", "a:99999",
                                         "user:pw@h", "xn--nguyn-cwa.vn", "hà-nội.vn", ""]),
                        hostile_text),
              hostile_text),
    st.sampled_from(["http://a", "http://" + "a" * 2000, "http://a/\u2028", "http://a/\x85b",
                     "https://a.vn/?q=1#x", " http://a.vn ", "http://a.vn\n"]),
)
sources = st.one_of(
    st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,99}", fullmatch=True),
    st.sampled_from(["a" * 100, "a" * 100 + "\n", "a\n", "A", "-a", "a" * 101, "a b", ""]),
)
engines_ = st.lists(st.sampled_from(["gtts", "espeak", "piper", "siri", " ", ""]),
                    max_size=4).map(",".join)


def field_values(name: str) -> st.SearchStrategy[Any]:
    plausible = {
        "title": any_text, "lead": any_text, "body": any_text, "author": any_text,
        "published_at": dates, "source_url": urls, "source": sources,
        "language": st.sampled_from(["vi", "VI", "en", "vi-VN", ""]),
        "voice": st.sampled_from(["north", "central", "south", "North", ""]),
        "rate": st.one_of(st.floats(0.5, 2.0), st.integers(0, 3), floats),
        "engine": engines_,
    }[name]
    return st.one_of(plausible, plausible, json_values)


submissions = st.fixed_dictionaries(
    {"title": st.one_of(vietnamese, any_text), "body": st.one_of(vietnamese, any_text)},
    optional={name: field_values(name) for name in FIELDS if name not in ("title", "body")},
)
hostile_dicts = st.one_of(
    submissions,
    st.fixed_dictionaries({}, optional={name: field_values(name) for name in FIELDS}),
    st.builds(lambda d, extra: {**d, **extra}, submissions,
              st.dictionaries(st.one_of(st.sampled_from(SPECIALS), any_text), json_values,
                              min_size=1, max_size=2)),
)

JSON_TYPES = ["application/json", "application/json; charset=utf-8", "Application/JSON",
              "application/json; charset=latin-1", "application/json;;", "application/json "]
TEXT_TYPES = ["text/plain", "text/plain; charset=utf-8", "text/plain; charset=windows-1258",
              "TEXT/PLAIN; charset=UTF-8"]
OTHER_TYPES = ["", "application/x-www-form-urlencoded", "multipart/form-data",
               "multipart/form-data; boundary=x", "text/html", "application/xml",
               "application/octet-stream", "application/json-patch+json", "*/*", ";", "é/é"]
content_types = st.one_of(st.sampled_from(JSON_TYPES + TEXT_TYPES + OTHER_TYPES),
                          st.text(string.printable.strip(), max_size=30))


def encode_json(obj: Any, mode: str) -> bytes:
    if mode == "ascii":  # surrogates become \ud800 escapes, NaN/Infinity bare words
        return json.dumps(obj).encode("ascii")
    text = json.dumps(obj, ensure_ascii=False)
    if mode == "surrogatepass":  # invalid UTF-8 (CESU-like) bytes
        return text.encode("utf-8", "surrogatepass")
    return text.encode("utf-8", "replace")


portal_lines = st.one_of(
    vietnamese, hostile_text,
    st.sampled_from(["Tăng cỡ chữ Giảm cỡ chữ", "PublishingPortal", "Block_X", "In bài viết",
                     "Thứ Sáu, 26/6/2020 | 08:30", "ngày 31/2/2020", "30/6/0000 25:61",
                     "Trang chủ > Tin tức", "Quang Minh", "", "   ", "\r", "\x0b"]),
)
pastes = st.lists(portal_lines, max_size=12).map("\n".join)


@st.composite
def request_bodies(draw: st.DrawFn, *, with_text: bool = True) -> tuple[bytes, str]:
    kind = draw(st.sampled_from(["json", "json", "json", "text", "raw", "nested", "value"]
                                if with_text else ["json", "json", "raw", "nested", "value"]))
    if kind == "json":
        mode = draw(st.sampled_from(["ascii", "ascii", "utf8", "surrogatepass"]))
        return encode_json(draw(hostile_dicts), mode), draw(
            st.one_of(st.sampled_from(JSON_TYPES[:2]), content_types))
    if kind == "text":
        enc = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1", "surrogatepass"]))
        paste = draw(pastes)
        data = paste.encode("utf-8", "surrogatepass") if enc == "surrogatepass" \
            else paste.encode(enc, "replace")
        return data, draw(st.one_of(st.sampled_from(TEXT_TYPES), content_types))
    if kind == "nested":
        depth = draw(st.sampled_from([1, 50, 999, 1000, 5000, 100_000]))
        opener = draw(st.sampled_from(["[", '{"a":', '{"title":[']))
        closer = {"[": "]", '{"a":': "}", '{"title":[': "]"}[opener]
        tail = "}" if opener == '{"title":[' else ""
        body = opener * depth + "1" + closer * depth + tail * depth
        return body.encode(), "application/json"
    if kind == "value":
        return encode_json(draw(json_values), "ascii"), "application/json"
    return draw(st.binary(max_size=200)), draw(content_types)


query_values = st.one_of(
    st.sampled_from(["", "0", "1", "-1", "20", "100", "101", "9" * 30, "9" * 5000, "1_0", " 5",
                     "0x10", "1e3", "١٢", "NaN", "2147483647", "2147483648", "-2147483649",
                     "up", "down", "reset", "wide", "normal", "contrast", "default", "125",
                     "250", "300"]),
    hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass").decode("utf-8", "replace")),
)


@st.composite
def query_strings(draw: st.DrawFn, names: list[str]) -> str:
    pairs = draw(st.lists(st.tuples(st.sampled_from([*names, "x", ""]), query_values),
                          max_size=5))
    parts = [f"{quote(k)}={quote(v, safe='')}" for k, v in pairs]
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["%", "%zz", "%ff%fe", "cursor=%00", "size=%C0%AF",
                                           "limit", "&&", "cursor=1&cursor=2", "=", "%E2%80"])))
    return "&".join(parts)


ids = st.one_of(
    st.integers(0, 50).map(str), st.integers(2**31 - 2, 2**31 + 2).map(str),
    st.sampled_from(["-1", "00001", "1.0", "1e3", "abc", "%00", "9" * 400, "١", "+1", " 1"]),
)
authorizations = st.one_of(
    st.none(),
    st.sampled_from(["", "Bearer", "Bearer ", "bearer x", "Basic dTpw", "Bearer  \t",
                     "Bearer " + "x" * 10_000, "Bearer é", "Bearer a b", "Token abc"]),
    st.text(string.printable.replace("\n", "").replace("\r", ""), max_size=40)
    .map(lambda t: "Bearer " + t),
)


# ---------------------------------------------------------------- helpers

def bantin(app: Flask) -> dict[str, Any]:
    return app.extensions["bantin"]  # type: ignore[no-any-return]


def mark_ready(app: Flask, settings_: Settings, bulletin_id: int, payload: bytes) -> str:
    """Do what a worker does when audio is ready (files stored, rendition ready)."""
    name = LocalStorage(settings_.audio_dir).put(payload, "mp3")
    with bantin(app)["sessions"]() as s:
        b = s.get(Bulletin, bulletin_id)
        assert b is not None
        r = s.get(Rendition, b.current_rendition_id)
        assert r is not None
        r.status = "ready"
        r.engine, r.engine_voice, r.duration_ms = "espeak", "vi", 4321
        r.files = {"mp3": {"name": name, "bytes": len(payload)},
                   "podcast": {"name": name, "bytes": len(payload)}}
        r.cues = [{"i": 0, "start": 0.0, "end": 1.0}]
        s.commit()
    return name


def publish(client: FlaskClient, auth: dict[str, str], bid: int) -> None:
    assert call(client, "POST", f"/api/v1/bulletins/{bid}/publish", headers=auth).status == 200


def check_accepted(client: FlaskClient, reply: Reply, sent_title: str | None,
                   auth: dict[str, str]) -> int:
    """A 202 reads back with the cleaned title, and once published its pages render in
    Vietnamese for anyone."""
    created = reply.json()
    bid = created["id"]
    assert call(client, "GET", f"/api/v1/bulletins/{bid}").status == 404  # a draft
    publish(client, auth, bid)
    if sent_title is None:  # text/plain: the title the parser found
        sent_title = created["parsed"]["title"]
    assert isinstance(sent_title, str)
    shown = call(client, "GET", f"/api/v1/bulletins/{bid}")
    assert shown.status == 200, shown.data
    got = shown.json()
    assert got["title"] == documented_clean(sent_title), (sent_title, got["title"])
    assert got["title"] == created["title"]
    # the documented slug, whole: no trailing newline, at most 100 characters
    assert got["source"] == "" or re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,99}", got["source"]), got
    for text in (got["title"], got["lead"], got["body"], got["author"]):
        assert text == text.strip()
        assert not any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n"
                       for ch in text), text
    for page in (f"/bulletins/{bid}", f"/embed/{bid}"):
        html = call(client, "GET", page)
        assert html.status == 200, (page, html.data[:500])
        assert 'lang="vi"' in html.text
    assert call(client, "GET", f"/bulletins/{bid}/status.json").status == 200
    return int(bid)


def submit(client: FlaskClient, auth: dict[str, str], data: bytes, ctype: str,
           query: str = "") -> Reply:
    headers = {**auth, "Content-Type": ctype} if ctype else dict(auth)
    return call(client, "POST", "/api/v1/bulletins" + (f"?{query}" if query else ""),
                data=data, headers=headers)


def title_sent(data: bytes, ctype: str) -> str | None:
    """The title as the server decodes it from the bytes sent (None: a text/plain paste)."""
    if ctype.split(";")[0].strip().lower() == "text/plain":
        return None
    return json.loads(data.decode("utf-8"))["title"]  # type: ignore[no-any-return]


paste_query = query_strings(["voice", "engine", "source", "rate"])


# ---------------------------------------------------------------- tests

@pytest.fixture
def auth(admin_auth: dict[str, str]) -> dict[str, str]:
    """Fuzzing is about input, not roles: an admin may do every write (roles have their
    own tests in test_newsroom.py)."""
    return admin_auth


@fuzz(60)
@given(body=request_bodies(), query=paste_query)
@example(body=(b'{"title": "T", "body": "x", "\\ud800": 1}', "application/json"), query="")
def test_submit_never_5xx_and_accepted_reads_back(client: FlaskClient, auth: dict[str, str],
                                                  body: tuple[bytes, str], query: str) -> None:
    data, ctype = body
    reply = submit(client, auth, data, ctype, query)
    assert reply.status in (202, 400, 413, 415, 422), (reply.status, reply.data)
    if reply.status == 202:
        check_accepted(client, reply, title_sent(data, ctype), auth)


@fuzz(30)
@given(doc=submissions, mode=st.sampled_from(["ascii", "utf8"]))
@example(doc={"title": "T", "body": "x", "source": "a" * 100 + "\n"}, mode="ascii")
def test_mostly_valid_submissions(client: FlaskClient, auth: dict[str, str],
                                  doc: dict[str, Any], mode: str) -> None:
    """Biased towards acceptance, so the read-back and page properties get exercised."""
    doc = {k: v for k, v in doc.items() if k in ("title", "body", "lead", "author", "source",
                                                "published_at", "source_url")}
    data = encode_json(doc, mode)
    reply = submit(client, auth, data, "application/json")
    assert reply.status in (202, 400, 413, 422), (reply.status, reply.data)
    if reply.status == 202:
        check_accepted(client, reply, title_sent(data, "application/json"), auth)


@fuzz(30)
@given(paste=pastes, query=paste_query)
def test_plain_text_pastes(client: FlaskClient, auth: dict[str, str], paste: str,
                           query: str) -> None:
    data = paste.encode("utf-8", "surrogatepass")
    reply = submit(client, auth, data, "text/plain; charset=utf-8", query)
    assert reply.status in (202, 400, 413, 422), (reply.status, reply.data)
    if reply.status == 202:
        check_accepted(client, reply, None, auth)


@fuzz(40)
@given(body=request_bodies(), style=query_values)
def test_preview(client: FlaskClient, body: tuple[bytes, str], style: str) -> None:
    data, ctype = body
    headers = {"Content-Type": ctype} if ctype else {}
    reply = call(client, "POST", f"/api/v1/preview?style={quote(style, safe='')}", data=data,
                 headers=headers)
    assert reply.status in (200, 400, 413, 415, 422), (reply.status, reply.data)
    if reply.status == 200:
        assert isinstance(reply.json()["sentences"], list)


@fuzz(30)
@given(authz=authorizations, path=st.sampled_from(
    ["/api/v1/bulletins", "/api/v1/bulletins/1/render", "/api/v1/lexicon",
     "/api/v1/lexicon/1"]))
def test_bad_tokens_are_401(client: FlaskClient, authz: str | None, path: str) -> None:
    headers = {"Content-Type": "application/json"}
    if authz is not None:
        headers["Authorization"] = authz
    method = "DELETE" if path == "/api/v1/lexicon/1" else "POST"
    reply = call(client, method, path, data=b'{"title":"T","body":"x"}', headers=headers)
    assert reply.status == 401, (authz, reply.status)
    assert reply.json()["error"]["field"] is None


@fuzz(40)
@given(list_q=query_strings(["limit", "cursor"]),
       page_q=query_strings(["cursor", "size", "step", "spacing", "theme"]),
       cookie=st.tuples(st.sampled_from(["size", "spacing", "theme"]),
                        st.text(string.ascii_letters + string.digits + "-_.", max_size=12)))
def test_list_and_index_queries(client: FlaskClient, auth: dict[str, str], list_q: str,
                                page_q: str, cookie: tuple[str, str]) -> None:
    if not call(client, "GET", "/api/v1/bulletins?limit=1").json()["items"]:
        for i in range(3):
            made = submit(client, auth, json.dumps({"title": f"Tin {i}", "body": "Nội dung."})
                          .encode(), "application/json")
            publish(client, auth, made.json()["id"])
    reply = call(client, "GET", f"/api/v1/bulletins?{list_q}")
    assert reply.status in (200, 400), reply.status
    if reply.status == 200:
        page = reply.json()
        assert isinstance(page["items"], list) and len(page["items"]) <= 100
        assert page["next"] is None or page["next"].isdigit()
    client.set_cookie(f"bantin_{cookie[0]}", cookie[1])
    html = call(client, "GET", f"/?{page_q}")
    assert html.status == 200
    assert 'lang="vi"' in html.text
    for path in (f"/bulletins/1?{page_q}", f"/embed/1?{page_q}"):
        assert call(client, "GET", path).status == 200
    assert call(client, "GET", "/editor").status == 303  # sign in first


@fuzz(40)
@given(bid=ids, query=query_strings(["size", "step", "spacing", "theme"]),
       suffix=st.sampled_from(["", "/status.json", "/timings.json", "/captions.vtt",
                               "/audio.mp3", "/audio.ogg", "/audio.x", "/audio."]),
       prefix=st.sampled_from(["/bulletins/", "/embed/", "/api/v1/bulletins/"]),
       method=st.sampled_from(["GET", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH",
                               "OPTIONS"]))
def test_pages_by_id(client: FlaskClient, auth: dict[str, str], app: Flask, settings: Settings,
                     bid: str, query: str, suffix: str, prefix: str, method: str) -> None:
    if call(client, "GET", "/api/v1/bulletins/1").status == 404:
        created = submit(client, auth, json.dumps({"title": "T", "body": "B."}).encode(),
                         "application/json")
        assert created.status == 202
        mark_ready(app, settings, created.json()["id"], b"ID3" + b"\x00" * 100)
        publish(client, auth, created.json()["id"])
    reply = call(client, method, f"{prefix}{bid}{suffix}?{query}")
    if reply.status == 200 and method == "GET" and suffix == "" and prefix != "/api/v1/bulletins/":
        assert 'lang="vi"' in reply.text


@fuzz(40)
@given(bid=ids, body=request_bodies(with_text=False),
       opts=st.fixed_dictionaries({}, optional={k: field_values(k)
                                                for k in ("voice", "rate", "engine")}),
       use_opts=st.booleans())
def test_rerender(client: FlaskClient, auth: dict[str, str], bid: str,
                  body: tuple[bytes, str], opts: dict[str, Any], use_opts: bool) -> None:
    if call(client, "GET", "/api/v1/bulletins/1").status == 404:
        assert submit(client, auth, json.dumps({"title": "T", "body": "B."}).encode(),
                      "application/json").status == 202
    data, ctype = (json.dumps(opts).encode(), "application/json") if use_opts else body
    reply = call(client, "POST", f"/api/v1/bulletins/{bid}/render", data=data,
                 headers={**auth, "Content-Type": ctype} if ctype else auth)
    assert reply.status in (202, 400, 404, 405, 413, 415, 422), (reply.status, reply.data)
    if reply.status == 202:
        assert call(client, "GET", f"/api/v1/bulletins/{bid}", headers=auth).status == 200


lexicon_bodies = st.one_of(
    st.fixed_dictionaries(
        {"written": st.one_of(vietnamese, any_text), "spoken": st.one_of(vietnamese, any_text)},
        optional={"source": st.one_of(sources, any_text, json_values),
                  "extra": json_values}),
    st.fixed_dictionaries({}, optional={k: json_values for k in ("written", "spoken",
                                                                 "source")}),
)


@fuzz(40)
@given(entry=lexicon_bodies, mode=st.sampled_from(["ascii", "utf8", "surrogatepass"]),
       raw=st.one_of(st.none(), request_bodies(with_text=False)), delete=ids,
       source_q=query_values)
@example(entry={"written": "\x01", "spoken": "x"}, mode="ascii", raw=None, delete="1",
         source_q="")
def test_lexicon(client: FlaskClient, auth: dict[str, str], entry: Any, mode: str,
                 raw: tuple[bytes, str] | None, delete: str, source_q: str) -> None:
    if call(client, "GET", "/api/v1/bulletins?limit=1").json()["items"] == []:
        submit(client, auth, json.dumps({"title": "Bắc Kạn", "body": "UBND tỉnh Bắc Kạn."})
               .encode(), "application/json")
    data, ctype = raw if raw is not None else (encode_json(entry, mode), "application/json")
    reply = call(client, "POST", "/api/v1/lexicon", data=data,
                 headers={**auth, "Content-Type": ctype} if ctype else auth)
    assert reply.status in (200, 201, 400, 413, 415, 422), (reply.status, reply.data)
    if reply.status in (200, 201):
        got = reply.json()
        # a respelling of nothing would match everywhere (and re-render every bulletin)
        for key in ("written", "spoken"):
            assert any(unicodedata.category(ch)[0] in "LNPS" for ch in got[key]), (entry, got)
        listed = call(client, "GET", f"/api/v1/lexicon?source={quote(got['source'], safe='')}")
        assert listed.status == 200
        assert got["id"] in [e["id"] for e in listed.json()["items"]]
        assert call(client, "DELETE", f"/api/v1/lexicon/{got['id']}", headers=auth).status \
            == 200
    call(client, "GET", f"/api/v1/lexicon?source={quote(source_q, safe='')}")
    reply = call(client, "DELETE", f"/api/v1/lexicon/{delete}", headers=auth)
    assert reply.status in (200, 404, 405), reply.status


audio_names = st.one_of(
    st.from_regex(r"[0-9a-f]{16,64}\.[a-z0-9]{2,5}", fullmatch=True),
    st.sampled_from(["{name}", "{name}%0A", "{name}%00", "{stem}.MP3", "{stem}", "..%2F{name}",
                     "%2E%2E", "x" * 300, "{stem}.mp3.", "%FF", "{name}?x=1", "{name}/"]),
    hostile_text.map(lambda t: quote(t.encode("utf-8", "surrogatepass"), safe="")),
)
ranges = st.one_of(
    st.none(),
    st.builds(lambda a, b: f"bytes={a}-{b}", st.one_of(st.just(""), st.integers(0, 10**20)
                                                       .map(str)),
              st.one_of(st.just(""), st.integers(0, 10**20).map(str))),
    st.sampled_from(["bytes=-0", "bytes=-5", "bytes=0-0,5-9", "bytes=5-1", "bytes=0-,0-",
                     "bytes=" + ",".join(["0-1"] * 500), "items=0-1", "bytes=", "bytes",
                     "bytes=-", "bytes=--1", "bytes=1-2-3", "bytes= 0 - 1 ", "bytes=٠-١"]),
    st.text(string.printable.replace("\n", "").replace("\r", ""), max_size=30),
)


@fuzz(40)
@given(name=audio_names, rng=ranges, if_range=st.sampled_from([None, "x", '"etag"', "{etag}"]),
       method=st.sampled_from(["GET", "GET", "HEAD", "POST"]))
def test_audio_ranges(client: FlaskClient, settings: Settings, name: str, rng: str | None,
                      if_range: str | None, method: str) -> None:
    payload = bytes(range(256)) * 4
    real = LocalStorage(settings.audio_dir).put(payload, "mp3")
    stem = real.split(".")[0]
    url = "/audio/" + name.replace("{name}", real).replace("{stem}", stem)
    headers = {}
    if rng is not None:
        headers["Range"] = rng
    if if_range is not None:
        headers["If-Range"] = if_range.replace("{etag}", f'"{stem}"')
    reply = call(client, method, url, headers=headers)
    if reply.status == 206:
        assert reply.headers["Content-Range"].startswith("bytes ")
        if method == "GET":
            assert (reply.data and reply.data in payload) or b"--" in reply.data
    elif reply.status == 200 and method == "GET":
        assert reply.data == payload


@fuzz(25)
@given(docs=st.lists(st.one_of(submissions, hostile_dicts), min_size=1, max_size=3),
       mode=st.sampled_from(["ascii", "utf8"]), sizes=st.integers(0, 10**9))
def test_podcast_feed_always_parses(client: FlaskClient, auth: dict[str, str], app: Flask,
                                    settings: Settings, docs: list[dict[str, Any]], mode: str,
                                    sizes: int) -> None:
    for doc in docs:
        data = encode_json(doc, mode)
        reply = submit(client, auth, data, "application/json")
        if reply.status == 202:
            check_accepted(client, reply, title_sent(data, "application/json"), auth)
            mark_ready(app, settings, reply.json()["id"], os.urandom(16) + str(sizes).encode())
    feed = call(client, "GET", "/feeds/podcast.xml")
    assert feed.status == 200
    root = ET.fromstring(feed.data)
    assert root.tag == "rss"
    for item in root.iter("item"):
        assert item.findtext("guid", "").startswith("bantin-bulletin-")


@pytest.mark.parametrize("path", ["/api/v1/bulletins", "/api/v1/preview", "/api/v1/lexicon"])
def test_body_over_byte_limit(client: FlaskClient, auth: dict[str, str], settings: Settings,
                              path: str) -> None:
    data = b'{"title": "T", "body": "' + b"a" * settings.max_body_bytes + b'"}'
    reply = call(client, "POST", path, data=data,
                 headers={**auth, "Content-Type": "application/json"})
    assert reply.status == 413
    assert reply.json()["error"]["field"] == "body"
