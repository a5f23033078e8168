"""The engine protocol every speech engine implements.

An engine turns already-normalized Vietnamese sentences into one audio clip per
sentence. Keeping clips per sentence (not one long file) is what lets the caller cache
sentence by sentence, add its own pauses, and know exactly where each sentence starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from audio import vocabulary
from audio.media import AudioSegment
from audio.words import estimate_word_starts

#: Listener-facing voice names; each engine maps them onto its own voices.
VOICES: tuple[str, ...] = tuple(vocabulary.VOICES)


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, so callers can chunk and choose without trying."""

    max_chars: int | None  # longest text one call accepts; None = unlimited
    online: bool  # needs the internet
    voices: tuple[str, ...]  # which of VOICES it can speak
    min_rate: float = 0.5
    max_rate: float = 2.0
    #: the engine already retries its own transient failures (with backoff and the
    #: server's Retry-After), so a chain must not multiply that by retrying it again
    retries: bool = False


@dataclass
class Synthesis:
    """The result of one `synthesize` call: one clip per input sentence, in order."""

    clips: list[AudioSegment]
    engine: str
    voice: str  # the engine's own voice id actually used
    calls: int = 0  # engine calls made (cache hits make none)
    meta: dict[str, str] = field(default_factory=dict)
    #: per clip, the start (ms into the clip) of each word of its sentence as
    #: `audio.words.word_spans` counts them, when the engine reported them; a missing
    #: or None entry means "estimate" (see `word_starts`)
    words: list[list[int] | None] = field(default_factory=list)

    @property
    def durations_ms(self) -> list[int]:
        return [len(c) for c in self.clips]

    def word_starts(self, i: int, sentence: str) -> list[int]:
        """Clip `i`'s word starts: the engine's, else estimated from its syllables."""
        reported = self.words[i] if i < len(self.words) else None
        if reported is not None:
            return reported
        return estimate_word_starts(sentence, self.clips[i])

    def extend(self, more: Synthesis) -> None:
        """Append another call's clips (a chain's next batch), word timings kept aligned."""
        self.words = [*self._padded_words(), *more._padded_words()]
        self.clips.extend(more.clips)
        self.calls += more.calls
        self.meta.update(more.meta)

    def _padded_words(self) -> list[list[int] | None]:
        return [*self.words[:len(self.clips)],
                *[None] * (len(self.clips) - len(self.words))]

    @property
    def audio(self) -> AudioSegment:
        """All clips back to back, without pauses (assembly adds those)."""
        out = AudioSegment.empty()
        for clip in self.clips:
            out += clip
        return out


@runtime_checkable
class Engine(Protocol):
    """A speech engine. `rate` is relative: 1.0 normal, 0.8 slower, 1.5 faster.

    Raises `audio.errors.TransientEngineError` when a retry may help and
    `audio.errors.PermanentEngineError` when it cannot.
    """

    name: str
    capabilities: Capabilities

    def synthesize(self, sentences: Sequence[str], voice: str, rate: float) -> Synthesis: ...


# Optional engine methods. They are not in the Protocol so that a minimal engine (or a
# test double) stays a valid Engine; callers go through these two helpers instead.


def engine_voice(engine: Engine, voice: str) -> str:
    """The engine's own voice id for a listener voice (`resolve_voice` if it has one).

    Raises `PermanentEngineError` when the engine cannot speak that voice at all.
    """
    resolve = getattr(engine, "resolve_voice", None)
    return str(resolve(voice)) if resolve is not None else voice


def engine_fingerprint(engine: Engine, voice: str) -> str:
    """Everything besides the text that changes the audio: version, options, model.

    The sentence cache keys on this, so upgrading an engine, changing its options or
    swapping a voice file makes new audio instead of serving stale clips.
    """
    fingerprint = getattr(engine, "fingerprint", None)
    if fingerprint is not None:
        return str(fingerprint(voice))
    return f"{engine.name} {getattr(engine, 'version', '')}".strip()
