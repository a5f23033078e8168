"""The segmented web MP3: measured after decoding, and re-encoded only where it changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import pytest

from audio import dsp
from audio.assemble import Part, SentenceClip
from audio.cache import SentenceCache
from audio.engines.espeak import EspeakEngine
from audio.media import decode
from audio.profiles import get_profile
from audio.segmented import SegmentStats, encode_segmented_mp3, mp3_frames

PARAGRAPHS = [
    ["Bản tin thời sự sáng nay."],
    ["Hôm nay trời nắng nóng trên cả nước.", "Nhiệt độ cao nhất ba mươi tám độ xê."],
    ["Giá xăng giảm nhẹ từ chiều nay.", "Người dân đi lại thuận tiện hơn."],
    ["Đội tuyển bóng đá thắng hai một.", "Trận đấu diễn ra tối qua."],
]


def parts(paragraphs: list[list[str]]) -> list[Part]:
    clips = EspeakEngine().synthesize([s for p in paragraphs for s in p], "north", 1.0).clips
    out, n, offset = [], 0, 0
    for i, sentences in enumerate(paragraphs):
        kind = "title" if i == 0 else "paragraph"
        items = []
        for text in sentences:
            items.append(SentenceClip(clips[n], offset, offset + len(text), text))
            n, offset = n + 1, offset + len(text) + 1
        out.append(Part(kind, items))  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="module")
def bulletin() -> list[Part]:
    return parts(PARAGRAPHS)


def test_decoded_file_meets_the_profile(bulletin: list[Part]) -> None:
    web = get_profile("web")
    f = encode_segmented_mp3(bulletin, web, web.outputs[0])
    audio = decode(f.data)
    x = dsp.to_samples(audio)
    assert abs(len(audio) - f.duration_ms) <= 1
    frames, per_frame = mp3_frames(f.data)
    assert abs(frames * per_frame * 1000 / audio.frame_rate - f.duration_ms) <= 1
    lufs = pyloudnorm.Meter(audio.frame_rate).integrated_loudness(x.astype(np.float64))
    assert abs(lufs - web.target_lufs) <= 1.0
    assert dsp.true_peak_db(x) <= -1.0
    _, end = dsp.active_bounds(x, audio.frame_rate)
    assert abs(f.cues[-1].end_ms - end * 1000 / audio.frame_rate) < 100
    rate = audio.frame_rate
    for cue in f.cues:  # every cue starts where its sentence is heard, after a pause
        before = x[max(0, int((cue.start_ms - 120) * rate / 1000)):int((cue.start_ms - 20) * rate
                                                                       / 1000)]
        during = x[int(cue.start_ms * rate / 1000):int((cue.start_ms + 300) * rate / 1000)]
        assert np.sqrt(np.mean(during**2)) > 4 * np.sqrt(np.mean(before**2) + 1e-12), cue.text


def test_only_the_edited_block_is_encoded_again(bulletin: list[Part], tmp_path: Path) -> None:
    web = get_profile("web")
    store = SentenceCache(tmp_path)
    first = SegmentStats()
    a = encode_segmented_mp3(bulletin, web, web.outputs[0], store, first)
    assert first.encoded == first.segments == len(PARAGRAPHS)
    again = SegmentStats()
    b = encode_segmented_mp3(bulletin, web, web.outputs[0], store, again)
    assert again.encoded == 0 and b.data == a.data and b.cues == a.cues
    edited_text = [list(p) for p in PARAGRAPHS]
    edited_text[2][0] = "Giá xăng giảm mạnh từ sáng nay."
    edited = [*bulletin[:2], parts(edited_text)[2], *bulletin[3:]]
    stats = SegmentStats()
    c = encode_segmented_mp3(edited, web, web.outputs[0], store, stats)
    if stats.gain_db == first.gain_db:
        assert stats.encoded == 1
    else:  # the rounded loudness gain moved: every block is re-leveled, none is stale
        assert stats.encoded == stats.segments
    assert c.cues[:3] == a.cues[:3]
