"""Word timings from the engine to the files: kept by the sentence cache, moved with the
cues through assembly, mastering and encoding, written to timings JSON and WebVTT."""

from __future__ import annotations

import html
import json
import re
import wave
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
import webvtt

from audio import dsp
from audio.assemble import Cue, Part, SentenceClip
from audio.cache import CachedEngine, SentenceCache, with_words, words_of
from audio.engines.espeak import EspeakEngine
from audio.engines.stretch import to_wav_bytes
from audio.mastering import EncodedFile, encode_profile
from audio.media import AudioSegment, decode
from audio.profiles import get_profile
from audio.segmented import encode_segmented_mp3
from audio.timing import cue_dicts, to_webvtt
from audio.words import estimate_word_starts, written_words

SENTENCES = ["Bắc Kạn tăng cường phòng chống thiên tai.", "Một, hai, ba, bốn, năm."]


def test_a_hit_returns_the_timings_the_miss_did(tmp_path: Path) -> None:
    engine = CachedEngine(EspeakEngine(), SentenceCache(tmp_path))
    miss = engine.synthesize(SENTENCES, "north", 1.0)
    direct = EspeakEngine().synthesize(SENTENCES, "north", 1.0)
    assert miss.calls == 2 and miss.words == direct.words  # the engine's own events
    hit = engine.synthesize(SENTENCES, "north", 1.0)
    assert hit.calls == 0 and hit.words == miss.words
    # not the estimate: espeak's events differ from it
    assert hit.words[1] != estimate_word_starts(SENTENCES[1], hit.clips[1])


def test_the_words_ride_inside_a_wav_every_reader_still_reads(tmp_path: Path) -> None:
    clip = EspeakEngine().synthesize(SENTENCES[:1], "north", 1.0).clips[0]
    wav = with_words(to_wav_bytes(clip), [0, 250, 510])
    assert words_of(wav) == [0, 250, 510] and words_of(to_wav_bytes(clip)) is None
    assert int.from_bytes(wav[4:8], "little") == len(wav) - 8  # RIFF size covers the chunk
    with wave.open(BytesIO(wav)) as w:
        assert w.readframes(w.getnframes()) == clip.raw_data
    assert AudioSegment.from_wav(BytesIO(wav)).raw_data == clip.raw_data
    assert decode(wav).raw_data == clip.raw_data
    broken = wav[:-4] + b"!!!]"
    assert words_of(broken) is None


def test_an_entry_stored_without_words_gets_the_estimate(tmp_path: Path) -> None:
    cache = SentenceCache(tmp_path)
    engine = CachedEngine(EspeakEngine(), cache)
    made = engine.synthesize(SENTENCES[:1], "north", 1.0)
    key = engine._keys(SENTENCES[:1], "north", 1.0)[0]
    cache.put(key, made.clips[0])  # as an entry written before word timings were kept
    again = engine.synthesize(SENTENCES[:1], "north", 1.0)
    assert again.calls == 0
    assert again.words == [estimate_word_starts(SENTENCES[0], made.clips[0])]


def test_an_estimate_is_never_stored_as_if_the_engine_had_said_it(tmp_path: Path) -> None:
    """An engine that reports no word times (gTTS, an unpatched Piper voice) has its clip
    cached without them, so a better estimator later reaches clips already cached."""

    class Quiet(EspeakEngine):
        def synthesize(self, sentences, voice, rate):  # type: ignore[no-untyped-def]
            made = super().synthesize(sentences, voice, rate)
            made.words = []
            return made

    cache = SentenceCache(tmp_path)
    engine = CachedEngine(Quiet(), cache)
    made = engine.synthesize(SENTENCES[:1], "north", 1.0)
    assert made.words == [estimate_word_starts(SENTENCES[0], made.clips[0])]  # estimated
    entry = cache.entry(engine._keys(SENTENCES[:1], "north", 1.0)[0])
    assert entry is not None and entry[1] is None  # ...but not kept as the engine's


# ---- through assembly and encoding ---------------------------------------------------

BLOCKS = [("title", ["Bản tin sáng."]),
          ("paragraph", ["Hôm nay trời nắng.", "Một, hai, ba, bốn, năm."])]
TEXT = " ".join(s for _, block in BLOCKS for s in block)
COUNTED = TEXT.index("Một")


def word_parts() -> list[Part]:
    """The bulletin with espeak's clips padded by 300 ms of silence on each side (which
    assembly trims), each sentence's words timed as the worker times them."""
    sentences = [s for _, block in BLOCKS for s in block]
    made = EspeakEngine().synthesize(sentences, "north", 1.0)
    pad = AudioSegment.silent(300, frame_rate=made.clips[0].frame_rate)
    parts, n = [], 0
    for kind, block in BLOCKS:
        items = []
        for text in block:
            start = TEXT.index(text)
            starts = [ms + 300 for ms in made.word_starts(n, text)]
            items.append(SentenceClip(pad + made.clips[n] + pad, start, start + len(text), text,
                                      n, written_words(text, start, text.lower(), starts)))
            n += 1
        parts.append(Part(kind, items))  # type: ignore[arg-type]
    return parts


def level(x: np.ndarray, rate: int, lo: float, hi: float) -> float:
    part = x[max(0, int(lo * rate)): int(hi * rate)]
    return float(np.sqrt(np.mean(part.astype(np.float64) ** 2) + 1e-12))


def assert_words_start_at_their_sound(f: EncodedFile) -> None:
    audio = decode(f.data)
    x, rate = dsp.to_samples(audio), audio.frame_rate
    cues = cue_dicts(f.cues)
    counted = next(c for c in cues if c.get("char_start") == COUNTED)
    words = counted["w"]
    assert [TEXT[s:e] for _, s, e in words] == ["Một", "hai", "ba", "bốn", "năm"]
    assert counted["start"] <= words[0][0] < words[-1][0] < counted["end"]
    for t, _, _ in words[1:]:  # a comma's pause just before each word, its sound after
        assert level(x, rate, t - 0.1, t - 0.02) * 4 < level(x, rate, t + 0.02, t + 0.12), t
    for cue in cues:
        times = [w[0] for w in cue.get("w", [])]
        assert times == sorted(times)
        assert all(cue["start"] <= t <= cue["end"] for t in times)


def test_word_times_are_for_the_final_segmented_mp3() -> None:
    web = get_profile("web")
    assert_words_start_at_their_sound(encode_segmented_mp3(word_parts(), web, web.outputs[0]))


def test_word_times_follow_the_chime_and_band_of_a_broadcast_profile() -> None:
    f = encode_profile(word_parts(), get_profile("loudspeaker"))[0]
    assert_words_start_at_their_sound(f)


# ---- the files ---------------------------------------------------------------------

CUE = Cue(1000, 3000, 10, 33, "Ngày 27/2, UBND & <họp>", "paragraph", 1, 4,
          ((0, 10, 14), (300, 15, 19), (1200, 21, 25), (1700, 29, 32)))


def test_timings_json_carries_word_times_on_the_files_clock() -> None:
    data = json.loads(json.dumps(cue_dicts([CUE, Cue(0, 900, None, None, "Bản tin.", "header",
                                                       0)])))
    assert data[0]["w"] == [[1.0, 10, 14], [1.3, 15, 19], [2.2, 21, 25], [2.7, 29, 32]]
    assert "w" not in data[1]
    shifted = cue_dicts([CUE.shifted(46)])[0]["w"]
    assert [w[0] for w in shifted] == [1.046, 1.346, 2.246, 2.746]


def test_webvtt_has_a_timestamp_before_each_word_heard_after_the_cue_starts() -> None:
    vtt = to_webvtt([CUE])
    line = vtt.splitlines()[4]
    assert line == ("Ngày <00:00:01.300>27/2, <00:00:02.200>UBND &amp; "
                    "&lt;<00:00:02.700>họp&gt;")
    caption = webvtt.from_string(vtt).captions[0]
    assert caption.start == "00:00:01.000" and caption.end == "00:00:03.000"
    stamps = re.findall(r"<(\d\d:\d\d:\d\d\.\d{3})>", caption.raw_text)
    assert stamps == sorted(stamps) and len(stamps) == 3
    assert all(caption.start < s < caption.end for s in stamps)
    assert html.unescape(caption.text) == CUE.text  # a parser takes them for tags


@pytest.mark.parametrize("words", [(), ((0, 10, 14),)])
def test_a_cue_without_later_words_keeps_its_plain_text(words: tuple) -> None:
    cue = Cue(1000, 3000, 10, 33, CUE.text, "paragraph", 1, 4, words)
    assert to_webvtt([cue]).splitlines()[4] == "Ngày 27/2, UBND &amp; &lt;họp&gt;"
