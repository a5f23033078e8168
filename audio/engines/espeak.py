"""espeak-ng through its C API, with the library and voice data from espeakng-loader.

No apt step and no subprocess: `espeakng_loader` ships libespeak-ng and its data, and we
drive the library with ctypes. The library keeps global state, so a process-wide lock
serializes synthesis; parallelism comes from running several worker processes.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Sequence

from audio.engines.base import VOICES, Capabilities, Synthesis
from audio.errors import EngineUnavailable, PermanentEngineError
from audio.media import AudioSegment
from audio.words import starts_from_positions

# espeak_ng C API constants (speak_lib.h)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_ESPEAK_RATE = 1
_ESPEAK_PITCH = 3
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EE_OK = 0
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1

#: listener-facing voice → espeak-ng voice name
VOICE_MAP = {"north": "vi", "central": "vi-vn-x-central", "south": "vi-vn-x-south"}
#: espeak's default speaking rate in words per minute; rate 1.0 maps here
BASE_WPM = 165



class _Event(ctypes.Structure):
    """`espeak_EVENT` (speak_lib.h). A word event's `text_position` is the word's 1-based
    character position in the input; `sample` is where it starts in the output, counted
    from the start of the `espeak_Synth` call (`audio_position` is the same in ms)."""

    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint),
                ("text_position", ctypes.c_int), ("length", ctypes.c_int),
                ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


class _Library:
    """The loaded, initialized libespeak-ng (one per process)."""

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as exc:  # pragma: no cover - it is a hard dependency
            raise EngineUnavailable("espeakng-loader is not installed") from exc
        self.lib = ctypes.cdll.LoadLibrary(str(espeakng_loader.get_library_path()))
        data = str(espeakng_loader.get_data_path()).encode()
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.lib.espeak_Initialize.argtypes = [
            ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int
        ]
        self.sample_rate = self.lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, data, _INITIALIZE_DONT_EXIT
        )
        if self.sample_rate <= 0:
            raise EngineUnavailable("espeak-ng failed to initialize")
        self._chunks: list[bytes] = []
        self._words: list[tuple[int, int]] = []  # (0-based char position, sample)
        self._callback = _CALLBACK(self._collect)  # keep a reference: C holds it
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]

    def _collect(self, wav: ctypes._Pointer, numsamples: int,
                 events: ctypes._Pointer) -> int:
        if numsamples > 0 and wav:
            self._chunks.append(ctypes.string_at(wav, numsamples * 2))
        if events:
            k = 0
            while events[k].type != _EVENT_LIST_TERMINATED:
                if events[k].type == _EVENT_WORD:
                    self._words.append((events[k].text_position - 1, events[k].sample))
                k += 1
        return 0

    def speak(self, text: str, voice: str, wpm: int, pitch: int) -> tuple[bytes, list[int] | None]:
        """The sentence's 16-bit samples and its words' starts in ms (None if none came)."""
        if self.lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
            raise PermanentEngineError(f"espeak-ng has no voice {voice!r}")
        self.lib.espeak_SetParameter(_ESPEAK_RATE, wpm, 0)
        self.lib.espeak_SetParameter(_ESPEAK_PITCH, pitch, 0)
        self._chunks, self._words = [], []
        raw = text.encode("utf-8") + b"\0"
        buf = ctypes.create_string_buffer(raw)
        err = self.lib.espeak_Synth(buf, len(raw), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        if err != _EE_OK:
            raise PermanentEngineError(f"espeak-ng failed with code {err}")
        self.lib.espeak_Synchronize()
        pcm = b"".join(self._chunks)
        events = [(pos, round(sample * 1000 / self.sample_rate)) for pos, sample in self._words]
        return pcm, starts_from_positions(text, events, len(pcm) * 500 // self.sample_rate)


_lock = threading.Lock()
_library: _Library | None = None


def _get_library() -> _Library:
    global _library
    if _library is None:
        _library = _Library()
    return _library


def _loader_version() -> str:
    try:
        from importlib.metadata import version

        return version("espeakng-loader")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        return "unknown"


class EspeakEngine:
    """Offline Vietnamese speech; fast (~1 ms a call), robotic, always available.

    `pitch` is espeak's 0..100 (50 normal). Rate 1.0 is espeak's default 165 words a
    minute and scales linearly, clamped to the 80..450 the library accepts.
    """

    name = "espeak"
    capabilities = Capabilities(max_chars=None, online=False, voices=VOICES, min_rate=0.5,
                                max_rate=2.5)

    def __init__(self, pitch: int = 50) -> None:
        if not 0 <= pitch <= 100:
            raise ValueError("espeak pitch is 0..100")
        self.pitch = pitch

    def resolve_voice(self, voice: str) -> str:
        if voice in VOICE_MAP:
            return VOICE_MAP[voice]
        if voice in VOICE_MAP.values():
            return voice
        raise PermanentEngineError(f"espeak has no Vietnamese voice {voice!r}")

    def fingerprint(self, voice: str) -> str:
        # "words": cached clips made before word events were kept are made again
        return f"espeak-ng loader {_loader_version()} pitch={self.pitch} words"

    def synthesize(self, sentences: Sequence[str], voice: str, rate: float) -> Synthesis:
        engine_voice = self.resolve_voice(voice)
        wpm = max(80, min(450, round(BASE_WPM * rate)))
        clips: list[AudioSegment] = []
        words: list[list[int] | None] = []
        with _lock:  # libespeak-ng is one global synthesizer per process
            lib = _get_library()
            for sentence in sentences:
                text = sentence.strip()
                pcm, starts = lib.speak(text, engine_voice, wpm, self.pitch) if text \
                    else (b"", None)
                clips.append(
                    AudioSegment(data=pcm, sample_width=2, frame_rate=lib.sample_rate, channels=1)
                )
                words.append(starts)
        return Synthesis(clips=clips, engine=self.name, voice=engine_voice, calls=len(sentences),
                         meta={"wpm": str(wpm), "rate_method": "native"}, words=words)
