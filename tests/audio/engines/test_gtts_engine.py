"""gTTS against a fake Google: every failure mode leads to a retry, a clear error or a
fallback — never to silence, an empty clip or an empty file."""

from __future__ import annotations

import pytest
import requests

from audio.engines.base import Engine, engine_fingerprint
from audio.engines.gtts_engine import GttsEngine, RetryPolicy, parse_retry_after
from audio.errors import PermanentEngineError, TransientEngineError
from audio.ratelimit import LocalTokenBucket

from .fakegoogle import FakeGoogle, Reply, Sleeps, audio, loud, mp3_of, ok, raises, status

SHORT = "Hôm nay trời nắng đẹp."
LONG = ("Ủy ban nhân dân tỉnh Bắc Kạn vừa ban hành chỉ thị về tăng cường công tác phòng, "
        "chống thiên tai, tìm kiếm cứu nạn trong mùa mưa bão năm nay, yêu cầu các sở, ngành "
        "và địa phương chủ động triển khai.")


def engine(google: FakeGoogle, sleeps: Sleeps, **kw: object) -> GttsEngine:
    return GttsEngine(session_factory=google.session, sleep=sleeps, jitter=lambda: 1.0,
                      **kw)  # type: ignore[arg-type]


def test_speaks_each_sentence_with_tls_on_and_timeouts(sleeps: Sleeps) -> None:
    google = FakeGoogle(ok)
    gtts = engine(google, sleeps, timeout=(2.0, 7.0))
    assert isinstance(gtts, Engine)
    result = gtts.synthesize([SHORT, LONG, "  "], "north", 1.0)

    assert result.engine == "gtts" and result.voice == "vi"
    assert [loud(c) for c in result.clips[:2]] == [True, True]
    assert len(result.clips[2]) == 0
    assert len(result.clips[1]) > 2.5 * len(result.clips[0])  # long sentence, long clip
    # our chunking: the long sentence went out in ≤100-char pieces, nothing was lost
    assert all(len(t) <= 100 for t in google.texts)
    assert " ".join(google.texts[1:]).split() == LONG.split()
    assert all(kw["verify"] is True for _, kw in google.sent)  # gTTS would send False
    assert all(kw["timeout"] == (2.0, 7.0) for _, kw in google.sent)
    assert google.sessions_closed == 1 and sleeps == []
    assert result.meta["requests"] == str(len(google.sent))


def test_429_with_retry_after_waits_that_long(sleeps: Sleeps) -> None:
    google = FakeGoogle(status(429, "3"), ok)
    result = engine(google, sleeps).synthesize([SHORT], "north", 1.0)
    assert sleeps == [3.0] and len(google.sent) == 2 and loud(result.clips[0])
    assert "429" in result.meta["retried"]


def test_429_with_long_retry_after_gives_up_at_once_and_passes_the_hint(
        sleeps: Sleeps) -> None:
    google = FakeGoogle(status(429, "3600"), ok)
    with pytest.raises(TransientEngineError, match="429") as err:
        engine(google, sleeps).synthesize([SHORT], "north", 1.0)
    assert err.value.retry_after == 3600 and sleeps == [] and len(google.sent) == 1


def test_429_without_retry_after_backs_off_exponentially(sleeps: Sleeps) -> None:
    google = FakeGoogle(status(429), status(429), status(429), ok)
    engine(google, sleeps).synthesize([SHORT], "north", 1.0)
    assert sleeps == [0.5, 1.0, 2.0]


def test_5xx_retries_then_raises_transient_with_a_reason(sleeps: Sleeps) -> None:
    google = FakeGoogle(status(500))
    gtts = engine(google, sleeps, retry=RetryPolicy(attempts=3, backoff=1, max_backoff=1.5))
    with pytest.raises(TransientEngineError, match=r"HTTP 500.*after 3 attempts"):
        gtts.synthesize([SHORT], "north", 1.0)
    assert len(google.sent) == 3 and sleeps == [1.0, 1.5]  # capped


def test_jitter_spreads_the_fleet() -> None:
    sleeps = Sleeps()
    google = FakeGoogle(status(503), ok)
    GttsEngine(session_factory=google.session, sleep=sleeps, jitter=lambda: 0.0).synthesize(
        [SHORT], "north", 1.0)
    assert sleeps == [0.25]  # half the base delay at jitter 0


@pytest.mark.parametrize("exc", [
    requests.ReadTimeout("read timed out"),
    requests.ConnectTimeout("connect timed out"),
    requests.ConnectionError("Failed to resolve 'translate.google.com' (NameResolutionError)"),
])
def test_timeouts_and_dns_failures_are_retried(exc: Exception, sleeps: Sleeps) -> None:
    google = FakeGoogle(raises(exc), ok)
    assert loud(engine(google, sleeps).synthesize([SHORT], "north", 1.0).clips[0])
    assert len(sleeps) == 1


def test_dns_failure_everywhere_is_a_clear_transient_error(sleeps: Sleeps) -> None:
    google = FakeGoogle(raises(requests.ConnectionError("Name or service not known")))
    with pytest.raises(TransientEngineError, match=r"cannot reach translate\.google\.com"):
        engine(google, sleeps).synthesize([SHORT], "north", 1.0)


@pytest.mark.parametrize("reply", [
    audio(b"garbage bytes, not an mp3 at all" * 10),
    audio(mp3_of(SHORT)[:40]),  # truncated to a header
    audio(b""),
    status(200),  # a 200 page with no audio in it (a captcha, an API change)
], ids=["garbage", "truncated", "empty", "no-audio"])
def test_bad_audio_is_rejected_and_retried(reply: Reply, sleeps: Sleeps) -> None:
    google = FakeGoogle(reply, ok)
    result = engine(google, sleeps).synthesize([SHORT], "north", 1.0)
    assert len(google.sent) == 2 and loud(result.clips[0])


def test_a_clip_far_too_short_for_its_text_counts_as_truncated(sleeps: Sleeps) -> None:
    google = FakeGoogle(audio(mp3_of("a")))
    gtts = engine(google, sleeps, retry=RetryPolicy(attempts=2))
    with pytest.raises(TransientEngineError, match="truncated"):
        gtts.synthesize([LONG[:95]], "north", 1.0)


@pytest.mark.parametrize("reply,match", [
    (status(403), "HTTP 403"),
    (raises(requests.exceptions.SSLError("certificate verify failed")), "TLS verification"),
])
def test_permanent_failures_do_not_retry(reply: Reply, match: str, sleeps: Sleeps) -> None:
    google = FakeGoogle(reply)
    with pytest.raises(PermanentEngineError, match=match):
        engine(google, sleeps).synthesize([SHORT], "north", 1.0)
    assert len(google.sent) == 1 and sleeps == []


def test_shared_rate_limiter_paces_requests(sleeps: Sleeps) -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    bucket = LocalTokenBucket(rate=2.0, burst=1, clock=lambda: now[0])
    google = FakeGoogle(ok)
    gtts = GttsEngine(session_factory=google.session, sleep=sleep, limiter=bucket)
    gtts.synthesize([SHORT, SHORT, SHORT], "north", 1.0)
    assert len(google.sent) == 3 and sum(sleeps) == pytest.approx(1.0)


def test_rate_is_applied_by_time_stretching(sleeps: Sleeps) -> None:
    google = FakeGoogle(ok)
    normal = engine(google, sleeps).synthesize([SHORT], "north", 1.0).clips[0]
    slower = engine(google, sleeps).synthesize([SHORT], "north", 0.8)
    assert slower.meta["rate_method"] == "atempo"
    assert len(slower.clips[0]) / len(normal) == pytest.approx(1.25, rel=0.05)


def test_only_the_northern_voice(sleeps: Sleeps) -> None:
    gtts = engine(FakeGoogle(ok), sleeps)
    assert gtts.capabilities.voices == ("north",) and gtts.capabilities.online
    with pytest.raises(PermanentEngineError, match="Northern"):
        gtts.synthesize([SHORT], "south", 1.0)


def test_fingerprint_changes_with_options_that_change_audio() -> None:
    prints = {engine_fingerprint(GttsEngine(tld=t, slow=s), "north")
              for t in ("com", "com.vn") for s in (False, True)}
    assert len(prints) == 4


def test_retry_after_parsing() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
