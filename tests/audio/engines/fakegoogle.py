"""A fake Google endpoint at the edge of the machine: a `requests.Session` whose `send`
answers from a script instead of the network. Everything behind it — gTTS's request
building, our parsing, ffmpeg decoding — is the real code. Success answers carry a real
MP3 of the requested text (espeak-ng speech encoded with lameenc).
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Callable
from typing import Any

import lameenc
import requests

from audio.engines.espeak import EspeakEngine
from audio.media import AudioSegment

Reply = Callable[[str], requests.Response]  # requested text -> response (or raises)


def mp3_of(text: str) -> bytes:
    """A real MP3 of `text` as Google would send it (24 kHz mono, 32 kbit/s)."""
    clip = EspeakEngine().synthesize([text], "north", 1.0).clips[0].set_frame_rate(24000)
    enc = lameenc.Encoder()
    enc.set_bit_rate(32)
    enc.set_in_sample_rate(24000)
    enc.set_channels(1)
    enc.set_quality(7)
    return bytes(enc.encode(clip.raw_data) + enc.flush())


def response(status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None,
             ) -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp.reason = {200: "OK", 429: "Too Many Requests", 500: "Internal Server Error",
                   403: "Forbidden"}.get(status, "")
    resp._content = body
    resp._content_consumed = True
    resp.headers.update(headers or {})
    return resp


def google_body(audio: bytes) -> bytes:
    """The batchexecute answer shape gTTS parses."""
    b64 = base64.b64encode(audio).decode()
    inner = json.dumps([b64], separators=(",", ":"))
    row = json.dumps([["wrb.fr", "jQ1olc", inner, None, None, None, "generic"]],
                     separators=(",", ":"))
    return f")]}}'\n\n{len(row)}\n{row}\n".encode()


def ok(text: str) -> requests.Response:
    return response(200, google_body(mp3_of(text)))


def status(code: int, retry_after: str | None = None) -> Reply:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return lambda text: response(code, b"<html>error</html>", headers)


def raises(exc: Exception) -> Reply:
    def reply(text: str) -> requests.Response:
        raise exc
    return reply


def audio(data: bytes) -> Reply:
    return lambda text: response(200, google_body(data))


def requested_text(prepared: requests.PreparedRequest) -> str:
    body = prepared.body if isinstance(prepared.body, str) else (prepared.body or b"").decode()
    rpc = json.loads(urllib.parse.unquote(body.removeprefix("f.req=").rstrip("&")))
    text, lang, _speed, _ = json.loads(rpc[0][0][1])
    assert lang == "vi"
    return str(text)


class FakeGoogle:
    """Scripted replies, in order; the last one repeats. Records every request."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies) or [ok]
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.sessions_closed = 0

    def session(self) -> requests.Session:
        fake = self

        class Session(requests.Session):
            def send(self, request: requests.PreparedRequest, **kwargs: Any) -> Any:
                fake.sent.append((requested_text(request), kwargs))
                reply = fake.replies.pop(0) if len(fake.replies) > 1 else fake.replies[0]
                return reply(requested_text(request))

            def close(self) -> None:
                fake.sessions_closed += 1
                super().close()

        return Session()

    @property
    def texts(self) -> list[str]:
        return [t for t, _ in self.sent]


class Sleeps(list[float]):
    """An injectable sleep that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def loud(clip: AudioSegment) -> bool:
    """Speech, not silence: peak above -20 dBFS and RMS above -45 dBFS."""
    return len(clip) > 0 and clip.max_dBFS > -20 and clip.dBFS > -45
