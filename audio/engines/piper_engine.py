"""Piper neural voices from local `.onnx` files; offline, natural, never downloads.

An operator drops a voice (model + `.onnx.json` config) into the voices directory; a
voice name such as "vi_VN-vais1000-medium" means `<dir>/vi_VN-vais1000-medium.onnx`.
The listener voices north/central/south map to whatever names the operator configured.
Loading a medium voice takes about a second and ~60 MB, so loaded voices are kept per
process; synthesis itself runs at ~0.075× real time on CPU.

Word timings: every voice is loaded with Piper's alignment output added in memory
(`include_alignments`, through the onnx package), so it reports how many samples each
phoneme lasts, and words start after each space phoneme; a model that cannot be
patched gets the syllable estimate, as gTTS does.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from audio.engines.base import VOICES, Capabilities, Synthesis
from audio.errors import EngineUnavailable, PermanentEngineError
from audio.media import AudioSegment
from audio.words import starts_by_order

#: Piper's Vietnamese voices are not regional; the operator maps the others if wanted.
DEFAULT_VOICES: Mapping[str, str] = {"north": "vi_VN-vais1000-medium"}

INSTALL_HINT = (
    "Download {name}.onnx and {name}.onnx.json (or another vi_VN-*.onnx voice with its "
    ".onnx.json) from the rhasspy/piper-voices release "
    "(https://huggingface.co/rhasspy/piper-voices/tree/main/vi/vi_VN) into the directory "
    "named by PIPER_VOICES_DIR ({dir}), or remove piper from the engine chain."
)

def _can_align() -> bool:
    """Whether voices can be patched to report alignments (the onnx package imports)."""
    try:
        import onnx  # noqa: F401 - only whether it is there
    except ImportError:
        return False
    return True


_loaded: dict[tuple[str, int, int], Any] = {}  # (path, size, mtime_ns) -> PiperVoice
_load_lock = threading.Lock()


def _load(model: Path) -> Any:
    """The PiperVoice for `model`, loaded once per process (and again if the file changes)."""
    stat = model.stat()
    key = (str(model), stat.st_size, stat.st_mtime_ns)
    with _load_lock:
        if key not in _loaded:
            from piper import PiperVoice  # heavy (onnxruntime): import on first use

            try:
                # patched in memory (the onnx package) to report each phoneme's samples:
                # the word timings; a model already patched is used as it is
                _loaded[key] = PiperVoice.load(model, include_alignments=_can_align())
            except Exception as exc:  # onnxruntime raises its own opaque classes
                raise PermanentEngineError(f"piper: cannot load voice {model}: {exc}") from exc
        return _loaded[key]


class PiperEngine:
    """Speak with local Piper voices; `voices` maps listener voices to file names."""

    name = "piper"

    def __init__(self, voices_dir: str | Path | None,
                 voices: Mapping[str, str] = DEFAULT_VOICES, speaker_id: int | None = None,
                 ) -> None:
        self.voices_dir = Path(voices_dir) if voices_dir else None
        self.voices = dict(voices)
        self.speaker_id = speaker_id
        self.capabilities = Capabilities(
            max_chars=None, online=False,
            voices=tuple(v for v in VOICES if v in self.voices), min_rate=0.5, max_rate=2.0)

    def resolve_voice(self, voice: str) -> str:
        if voice in self.voices:
            return self.voices[voice]
        if voice in VOICES:
            raise PermanentEngineError(
                f"piper has no {voice!r} voice configured (configured: "
                f"{', '.join(sorted(self.voices)) or 'none'})")
        return voice  # a Piper voice name given directly

    def model_path(self, voice: str) -> Path:
        """`<voices_dir>/<name>.onnx`, checked to exist with its config beside it."""
        name = self.resolve_voice(voice)
        if "/" in name or "\\" in name or name.startswith("."):
            raise PermanentEngineError(f"piper: {name!r} is not a voice name")
        where = str(self.voices_dir) if self.voices_dir else "not set"
        hint = INSTALL_HINT.format(name=name, dir=where)
        if self.voices_dir is None:
            raise EngineUnavailable(f"piper: no voices directory configured. {hint}")
        model = self.voices_dir / f"{name}.onnx"
        if not model.is_file() or not Path(f"{model}.json").is_file():
            raise EngineUnavailable(f"piper: voice {name!r} is not installed. {hint}")
        return model

    def fingerprint(self, voice: str) -> str:
        model = self.model_path(voice)
        config = hashlib.sha256(Path(f"{model}.json").read_bytes()).hexdigest()[:16]
        return (f"piper {version('piper-tts')} {model.name} size={model.stat().st_size} "
                f"config={config} speaker={self.speaker_id} "
                f"words={'aligned' if _can_align() else 'estimated'}")

    def synthesize(self, sentences: Sequence[str], voice: str, rate: float) -> Synthesis:
        from piper import SynthesisConfig

        model = self.model_path(voice)
        piper_voice = _load(model)
        base_scale = piper_voice.config.length_scale or 1.0
        # length_scale is time per phoneme: dividing by the rate is exact, no stretching
        config = SynthesisConfig(speaker_id=self.speaker_id, length_scale=base_scale / rate)
        rate_hz = int(piper_voice.config.sample_rate)
        clips: list[AudioSegment] = []
        words: list[list[int] | None] = []
        for sentence in sentences:
            pcm, starts = b"", None
            if sentence.strip():
                # Piper splits text into its own sentences; one input sentence → one clip
                chunks = _chunks(piper_voice, sentence, config)
                audio = [c.audio_int16_array for c in chunks]
                pcm = np.concatenate(audio).tobytes() if audio else b""
                aligned = aligned_word_starts(
                    [(getattr(c, "phoneme_alignments", None), len(c.audio_int16_array))
                     for c in chunks], rate_hz)
                starts = starts_by_order(sentence, aligned) if aligned is not None else None
            clips.append(AudioSegment(data=pcm, sample_width=2, frame_rate=rate_hz, channels=1))
            words.append(starts)
        return Synthesis(clips=clips, engine=self.name, voice=model.stem, calls=len(sentences),
                         meta={"length_scale": f"{base_scale / rate:.3f}",
                               "rate_method": "native"}, words=words)


def _chunks(voice: Any, text: str, config: Any) -> list[Any]:
    """Piper's audio chunks for `text`, with phoneme alignments where the voice has them
    (piper-tts ≥ 1.3, which pyproject requires)."""
    return list(voice.synthesize(text, config, include_alignments=True))


#: phonemes that are not sounds of a word (Piper's sentence markers and punctuation)
_NOT_A_SOUND = frozenset("^$_ ,.;:!?…-–—\"'()ˈˌ")


def aligned_word_starts(chunks: Sequence[tuple[Sequence[Any] | None, int]],
                        rate_hz: int) -> list[int] | None:
    """Start (ms) of each word from Piper's alignments: `chunks` are (phoneme
    alignments or None, samples) per Piper sentence, in order; a word starts at the
    first sound after the sentence start or a space. None when a chunk has none."""
    starts: list[int] = []
    offset = 0
    for alignments, samples in chunks:
        if alignments is None:
            return None
        at, boundary = offset, True
        for a in alignments:
            if a.phoneme == " ":
                boundary = True
            elif boundary and a.phoneme not in _NOT_A_SOUND:
                starts.append(round(at * 1000 / rate_hz))
                boundary = False
            at += int(a.num_samples)
        offset += samples
    return starts
