"""Google Translate's speech endpoint through gTTS, hardened for a news service.

gTTS as shipped waits forever, turns TLS verification off, gives up on the first error
and leaves an empty file behind. We keep only what it is good at — building the
request for the unofficial endpoint (`gTTS._prepare_requests`, gtts is pinned <2.6) —
and send it ourselves through an injected `requests.Session`:

- our own chunking (`audio.text.chunk`, ≤100 chars at clause boundaries), one request
  per chunk, chunk audio concatenated per sentence;
- explicit (connect, read) timeouts and `verify=True` on every request;
- retries with exponential backoff and jitter on 429, 5xx, timeouts and connection
  errors, honouring `Retry-After` (a wait longer than `max_wait` gives up at once and
  passes the hint on, so the chain falls back and the circuit breaker opens);
- a shared `RateLimiter` consulted before every request, so a fleet stays under quota;
- every MP3 chunk checked (non-empty, decodable, plausibly long) before use. Nothing is
  written to disk here, so a failure cannot leave an empty file.

Rate: the endpoint only has normal and slow. We always request `slow` as configured
and apply the listener's rate exactly with ffmpeg's pitch-keeping `atempo`
(`stretch.time_stretch`, a few ms a sentence); `Synthesis.meta["rate_method"]` says so.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import gtts
import requests

from audio.engines.base import Capabilities, Synthesis
from audio.engines.stretch import time_stretch
from audio.errors import PermanentEngineError, TransientEngineError
from audio.media import AudioSegment, decode
from audio.ratelimit import NoLimit, RateLimiter
from audio.text import chunk

MAX_CHARS = 100  # what the endpoint accepts in one request
_AUDIO = re.compile(r'jQ1olc","\[\\"([A-Za-z0-9+/=]*)\\"\]')
#: Google reads Vietnamese at ~70 ms a letter; far less means a truncated clip
MIN_MS_PER_LETTER = 15


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one request before the chain falls back to another engine."""

    attempts: int = 4
    backoff: float = 0.5  # first delay; doubles each attempt
    max_backoff: float = 8.0
    max_wait: float = 30.0  # longest Retry-After or rate-limit wait we will sit out


class _Retry(Exception):
    """One attempt failed in a way another attempt may fix."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass
class _Run:
    session: requests.Session
    sent: int = 0  # HTTP requests, retries included
    retries: list[str] = field(default_factory=list)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _silence() -> AudioSegment:
    """A zero-length clip in Google's format, so "+=" keeps 24 kHz 16-bit mono."""
    return AudioSegment(data=b"", sample_width=2, frame_rate=24000, channels=1)


class GttsEngine:
    """Natural Northern Vietnamese from Google; online, rate-limited, sometimes blocked."""

    name = "gtts"
    #: Google has one Vietnamese voice (Northern); other regions are left to other engines
    capabilities = Capabilities(max_chars=MAX_CHARS, online=True, voices=("north",),
                                min_rate=0.5, max_rate=2.0, retries=True)

    def __init__(
        self, *, tld: str = "com", slow: bool = False,
        timeout: tuple[float, float] = (3.05, 10.0),
        session_factory: Callable[[], requests.Session] = requests.Session,
        limiter: RateLimiter | None = None, retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random, ca_bundle: str | None = None,
    ) -> None:
        self.tld, self.slow, self.timeout = tld, slow, timeout
        self.session_factory = session_factory
        self.limiter: RateLimiter = limiter or NoLimit()
        self.retry = retry or RetryPolicy()
        self.sleep, self.jitter = sleep, jitter
        self.verify: bool | str = ca_bundle or True  # never False: gTTS's default is unsafe
        self.host = f"translate.google.{tld}"

    def resolve_voice(self, voice: str) -> str:
        if voice not in ("north", "vi"):
            raise PermanentEngineError(f"gtts has only a Northern Vietnamese voice, not {voice!r}")
        return "vi"

    def fingerprint(self, voice: str) -> str:
        return f"gtts {gtts.__version__} tld={self.tld} slow={self.slow}"

    def synthesize(self, sentences: Sequence[str], voice: str, rate: float) -> Synthesis:
        engine_voice = self.resolve_voice(voice)
        clips: list[AudioSegment] = []
        with self.session_factory() as session:
            run = _Run(session)
            for sentence in sentences:
                clip = _silence()
                for part in chunk(sentence, MAX_CHARS):
                    if any(ch.isalnum() for ch in part):
                        clip += self._fetch(run, part)
                clips.append(time_stretch(clip, rate))
        meta = {"requests": str(run.sent), "rate_method": "native" if rate == 1.0 else
                "atempo", "tld": self.tld, "slow": str(self.slow)}
        if run.retries:
            meta["retried"] = "; ".join(run.retries[-5:])
        return Synthesis(clips=clips, engine=self.name, voice=engine_voice,
                         calls=len(sentences), meta=meta)

    def _fetch(self, run: _Run, text: str) -> AudioSegment:
        """One chunk's audio, retried per the policy; raises engine errors only."""
        policy = self.retry
        for attempt in range(policy.attempts):
            self._wait_for_token(text)
            try:
                return self._attempt(run, text)
            except _Retry as err:
                run.retries.append(str(err))
                wait = err.retry_after
                if wait is not None and wait > policy.max_wait:
                    raise TransientEngineError(
                        f"gtts: {err}; Google asks us to wait {wait:.0f}s", retry_after=wait
                    ) from err
                if attempt + 1 == policy.attempts:
                    raise TransientEngineError(
                        f"gtts: {err} (gave up after {policy.attempts} attempts)",
                        retry_after=wait) from err
                if wait is None:
                    wait = min(policy.max_backoff, policy.backoff * 2**attempt)
                    wait *= 0.5 + 0.5 * self.jitter()  # jitter: a fleet must not retry in step
                self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_for_token(self, text: str) -> None:
        waited = 0.0
        while (wait := self.limiter.reserve(f"gtts:{self.host}")) > 0:
            waited += wait
            if waited > self.retry.max_wait:
                raise TransientEngineError(
                    f"gtts: shared rate limit for {self.host} still exhausted after "
                    f"{waited:.0f}s; the fleet is sending more than the quota allows")
            self.sleep(wait)

    def _attempt(self, run: _Run, text: str) -> AudioSegment:
        tts = gtts.gTTS(text, tld=self.tld, lang="vi", slow=self.slow, lang_check=False,
                        pre_processor_funcs=[])  # our normalizer already did that work
        clip = _silence()
        for prepared in tts._prepare_requests():
            run.sent += 1
            clip += self._check(self._send(run.session, prepared), text)
        return clip

    def _send(self, session: requests.Session, prepared: requests.PreparedRequest) -> bytes:
        try:
            resp = session.send(prepared, verify=self.verify, timeout=self.timeout,
                                allow_redirects=False)
        except requests.exceptions.SSLError as exc:  # a retry cannot fix a bad certificate
            raise PermanentEngineError(
                f"gtts: TLS verification failed for {self.host}: {exc}. Check the host's "
                "CA certificates or proxy; verification stays on.") from exc
        except requests.Timeout as exc:
            raise _Retry(f"no answer from {self.host} within {self.timeout[1]:g}s") from exc
        except requests.ConnectionError as exc:
            raise _Retry(f"cannot reach {self.host} (DNS or network down): {exc}") from exc
        except requests.RequestException as exc:
            raise PermanentEngineError(f"gtts: bad request to {self.host}: {exc}") from exc
        with resp:
            status = resp.status_code
            if status == 429 or status >= 500:
                raise _Retry(f"HTTP {status} from {self.host}",
                             parse_retry_after(resp.headers.get("Retry-After")))
            if status != 200:
                raise PermanentEngineError(
                    f"gtts: HTTP {status} {resp.reason} from {self.host}; the unofficial "
                    "endpoint may have changed or the tld is wrong")
            body = resp.content.decode("utf-8", errors="replace")
        found = _AUDIO.search(body)
        if not found or not found.group(1):
            raise _Retry(f"no audio in the answer from {self.host}")
        try:
            return base64.b64decode(found.group(1), validate=True)
        except binascii.Error as exc:
            raise _Retry(f"garbled audio from {self.host}") from exc

    def _check(self, mp3: bytes, text: str) -> AudioSegment:
        """Refuse empty, undecodable or truncated chunks before they reach a listener."""
        if not mp3:
            raise _Retry("empty audio chunk")
        try:
            clip = decode(mp3)
        except ValueError as exc:
            raise _Retry(f"undecodable audio chunk ({len(mp3)} bytes)") from exc
        letters = sum(ch.isalpha() for ch in text)
        if clip.frame_count() == 0 or len(clip) < MIN_MS_PER_LETTER * letters:
            raise _Retry(f"truncated audio chunk ({len(clip)} ms for {letters} letters)")
        return clip.set_channels(1).set_sample_width(2)
