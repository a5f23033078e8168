"""An emergency's loudspeaker file: the attention signal (not the chime), "Thông báo khẩn
cấp" twice and the issue time first, the instruction again at the end — real espeak-ng
audio, decoded and measured."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from audio.attention import HIGH_HZ, LOW_HZ
from audio.chime import OPENING
from audio.media import decode
from service import bulletins as uc
from service.db import session_scope
from service.models import Rendition
from service.validation import validate_bulletin
from workers import pipeline, produce
from workers.context import WorkerContext
from workers.job import from_rendition


@pytest.fixture
def ctx(worker_context: Callable[..., WorkerContext]) -> WorkerContext:
    return worker_context(audio_profiles=("web", "loudspeaker"), tts_engines=("espeak",),
                          station_name="Xã An Phú")


def render(ctx: WorkerContext, fields: dict[str, Any]) -> int:
    item = validate_bulletin({"title": "Cảnh báo lũ", "body": "Nước sông đang lên nhanh.",
                              **fields}, 10_000)
    with session_scope(ctx.sessions) as s:
        rid = uc.create_bulletin(s, ctx.settings, item).current_rendition_id
    assert rid is not None
    assert pipeline.run(ctx, rid) == "ready"
    assert pipeline.produce_extra(ctx, rid, "loudspeaker") == "ready"
    return rid


def opening_peaks(ctx: WorkerContext, rid: int, seconds: float = 2.5) -> list[float]:
    """The two strongest frequencies of the file's first seconds (the framing signal)."""
    with ctx.sessions() as s:
        r = s.get(Rendition, rid)
        assert r is not None and r.files
        name = r.files["loudspeaker"]["name"]
    path = ctx.storage.path(name)
    assert path is not None
    audio = decode(path.read_bytes())
    assert audio.channels == 1
    x = np.array(audio.get_array_of_samples(), dtype=np.float64)[:int(seconds * audio.frame_rate)]
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    freqs = np.fft.rfftfreq(x.size, 1 / audio.frame_rate)
    peaks: list[float] = []
    for i in np.argsort(spectrum)[::-1]:
        if all(abs(freqs[i] - p) > 30 for p in peaks):
            peaks.append(float(freqs[i]))
        if len(peaks) == 2:
            return sorted(peaks)
    return sorted(peaks)


EMERGENCY = {"priority": "emergency", "hazard": "flood", "risk_level": 3,
             "issued_at": "2026-12-01T14:30:00+07:00", "expires": "2026-12-02T14:30:00+07:00",
             "instruction": "Di chuyển người già lên chỗ cao."}


def test_emergency_opens_with_the_attention_signal(ctx: WorkerContext) -> None:
    peaks = opening_peaks(ctx, render(ctx, EMERGENCY))
    assert abs(peaks[0] - LOW_HZ) < 5 and abs(peaks[1] - HIGH_HZ) < 5, peaks


def test_normal_bulletin_opens_with_the_chime(ctx: WorkerContext) -> None:
    peaks = opening_peaks(ctx, render(ctx, {}))
    assert all(min(abs(p - n) for n in OPENING) < 5 for p in peaks), peaks


def test_emergency_says_when_and_what_to_do(ctx: WorkerContext) -> None:
    rid = render(ctx, EMERGENCY)
    said: list[list[str]] = []
    chain = ctx.chain(("espeak",))
    real = chain.synthesize

    def record(sentences: list[str], *args: Any, **kwargs: Any) -> Any:
        said.append(list(sentences))
        return real(sentences, *args, **kwargs)

    chain.synthesize = record  # type: ignore[method-assign]
    with ctx.sessions() as s:
        r = s.get(Rendition, rid)
        assert r is not None
        job = from_rendition(s, r, ("espeak",), ctx.settings.tz)
    produce.produce_profile(chain, job, "loudspeaker", ctx.settings.station_name)
    header, last = said[0][0], said[0][-1]
    assert header.count("Thông báo khẩn cấp") == 2
    assert "phát hành lúc mười bốn giờ ba mươi phút" in header  # 14:30 in Hà Nội
    assert "ngày một tháng mười hai" in header and "cấp độ ba" in header
    assert "An Phú" in header
    assert last.lower().startswith("xin nhắc lại") and "người già" in last
