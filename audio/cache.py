"""Sentence audio cache: re-rendering costs nothing, editing one sentence costs one call.

Each clip is stored as a WAV file named by the SHA-256 of everything that shapes it —
engine fingerprint (version, options, model), engine voice, rate and the normalized
sentence — under `<root>/<2 hex>/<64 hex>.wav`. The name *is* the content's identity,
so worker processes on any number of hosts sharing the directory need no locks:

- writes go to a temp file in the same directory, then `os.replace` (atomic), so a
  reader sees a whole entry or none, and two writers of one key both leave a valid one;
- a hit touches the file's mtime, which makes mtime the LRU order;
- eviction lists all entries, and when over `max_bytes` deletes the least recently used
  down to 90% of the budget, ignoring files another process deleted first. It runs
  when this process's running estimate crosses the budget or the last scan is a minute
  old, so the bound holds to within what other processes wrote since then.

A clip's word timings (`Synthesis.words`) travel inside its WAV, in a chunk of their own
after the samples (readers that do not know it skip it), so one atomic write stores
both and a hit returns exactly the timings the miss did.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import threading
import time
import unicodedata
import uuid
import wave
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from audio.engines.base import Engine, Synthesis, engine_fingerprint, engine_voice
from audio.engines.stretch import to_wav_bytes
from audio.media import AudioSegment
from audio.words import estimate_word_starts

RESCAN_SECONDS = 60.0
STALE_TEMP_SECONDS = 3600.0  # a temp file this old belongs to a writer that died


#: the RIFF chunk holding a clip's word starts (JSON list of ms)
WORDS_CHUNK = b"bnwd"


def with_words(wav: bytes, words: Sequence[int]) -> bytes:
    """`wav` with a chunk of word starts appended (and the RIFF size grown to match)."""
    payload = json.dumps(list(words), separators=(",", ":")).encode()
    chunk = WORDS_CHUNK + len(payload).to_bytes(4, "little") + payload
    chunk += b"\0" * (len(payload) % 2)  # RIFF chunks are word aligned
    riff = int.from_bytes(wav[4:8], "little") + len(chunk)
    return wav[:4] + riff.to_bytes(4, "little") + wav[8:] + chunk


def words_of(wav: bytes) -> list[int] | None:
    """The word starts stored in `wav`, or None (an entry written before they were kept,
    or a damaged chunk: the caller estimates instead)."""
    pos = 12
    while pos + 8 <= len(wav):
        name, size = wav[pos:pos + 4], int.from_bytes(wav[pos + 4:pos + 8], "little")
        if name == WORDS_CHUNK:
            try:
                words = json.loads(wav[pos + 8:pos + 8 + size])
            except ValueError:
                return None
            ok = isinstance(words, list) and all(type(w) is int for w in words)
            return words if ok else None
        pos += 8 + size + size % 2
    return None


def normalize_sentence(text: str) -> str:
    """The cache's view of a sentence: NFC, whitespace collapsed (it cannot change audio)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class SentenceCache:
    """A bounded, content-addressed directory of sentence clips shared by processes."""

    def __init__(self, root: str | Path, max_bytes: int = 2 * 1024**3,
                 clock: Callable[[], float] = time.time) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self._clock = clock
        self._estimate: int | None = None  # bytes on disk as this process believes
        self._scanned_at = 0.0
        self._lock = threading.Lock()

    @staticmethod
    def key(fingerprint: str, voice: str, rate: float, sentence: str) -> str:
        parts = [fingerprint, voice, f"{rate:.3f}", normalize_sentence(sentence)]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()

    def path(self, key: str, ext: str = "wav") -> Path:
        return self.root / key[:2] / f"{key}.{ext}"

    def read(self, key: str, ext: str) -> bytes | None:
        """The bytes stored under `key`, or None. Other content-addressed artefacts (the
        encoded web-MP3 segments) live here too, under the same LRU bound."""
        path = self.path(key, ext)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(FileNotFoundError):  # evicted meanwhile: we hold the data
            os.utime(path)  # LRU: a hit is a use
        return data or None

    def write(self, key: str, ext: str, data: bytes) -> None:
        """Store atomically; never leaves a partial or empty entry behind."""
        path = self.path(key, ext)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".tmp-{uuid.uuid4().hex}"
        try:
            with open(tmp, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        self._account(len(data))

    def get(self, key: str) -> AudioSegment | None:
        """The clip for `key`, or None; a damaged entry is removed and counts as a miss."""
        entry = self.entry(key)
        return entry[0] if entry is not None else None

    def entry(self, key: str) -> tuple[AudioSegment, list[int] | None] | None:
        """The clip for `key` and its stored word starts (None if it has none), or None."""
        data = self.read(key, "wav")
        if data is None:
            return None
        try:
            with wave.open(io.BytesIO(data), "rb") as wav:
                clip = AudioSegment(data=wav.readframes(wav.getnframes()),
                                    sample_width=wav.getsampwidth(),
                                    frame_rate=wav.getframerate(), channels=wav.getnchannels())
        except (wave.Error, EOFError):
            self.path(key).unlink(missing_ok=True)
            return None
        return clip, words_of(data)

    def put(self, key: str, clip: AudioSegment, words: Sequence[int] | None = None) -> None:
        wav = to_wav_bytes(clip)
        self.write(key, "wav", with_words(wav, words) if words is not None else wav)

    def _account(self, added: int) -> None:
        with self._lock:
            stale = self._clock() - self._scanned_at > RESCAN_SECONDS
            if self._estimate is not None:
                self._estimate += added
            if self._estimate is None or stale or self._estimate > self.max_bytes:
                self._estimate = self.evict()
                self._scanned_at = self._clock()

    def _entries(self) -> Iterator[tuple[Path, int, float]]:
        """(path, size, mtime) of every entry; deletes temp files of dead writers."""
        if not self.root.is_dir():
            return
        for sub in os.scandir(self.root):
            if not sub.is_dir():
                continue
            try:
                files = list(os.scandir(sub.path))
            except FileNotFoundError:
                continue
            for entry in files:
                try:
                    st = entry.stat()
                except FileNotFoundError:  # evicted or replaced by another process
                    continue
                if entry.name.startswith(".tmp-"):
                    if self._clock() - st.st_mtime > STALE_TEMP_SECONDS:
                        Path(entry.path).unlink(missing_ok=True)
                    continue
                yield Path(entry.path), st.st_size, st.st_mtime

    def size(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def evict(self) -> int:
        """Delete least recently used entries until under budget; returns bytes left."""
        entries = list(self._entries())
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes:
            return total
        target = int(self.max_bytes * 0.9)
        for path, size, _ in sorted(entries, key=lambda e: e[2]):
            if total <= target:
                break
            path.unlink(missing_ok=True)  # another evictor may have been first: fine
            total -= size
        return total


class CachedEngine:
    """An engine in front of a `SentenceCache`: only misses reach the real engine.

    Duplicate sentences in one call are synthesized once. `Synthesis.calls` counts the
    sentences actually sent to the engine, so a full re-render reports 0. Every clip
    comes with its word starts (the engine's, else the estimate), stored with it.
    """

    def __init__(self, engine: Engine, cache: SentenceCache) -> None:
        self.engine, self.cache = engine, cache
        self.name = engine.name
        self.capabilities = engine.capabilities

    def resolve_voice(self, voice: str) -> str:
        return engine_voice(self.engine, voice)

    def fingerprint(self, voice: str) -> str:
        return engine_fingerprint(self.engine, voice)

    def _keys(self, sentences: Sequence[str], voice: str, rate: float) -> list[str]:
        fingerprint, resolved = self.fingerprint(voice), self.resolve_voice(voice)
        return [self.cache.key(fingerprint, resolved, rate, s) for s in sentences]

    def cached(self, sentences: Sequence[str], voice: str, rate: float) -> int:
        """How many of `sentences` are in the cache now (what a synthesis would not
        send to the engine); 0 when the engine cannot name its keys."""
        try:
            keys = self._keys(sentences, voice, rate)
        except Exception:  # voice unknown, model missing: the engine cannot serve it
            return 0
        return sum(self.cache.path(k).is_file() for k in keys)

    def covers(self, sentences: Sequence[str], voice: str, rate: float) -> bool:
        """True when every sentence is cached, i.e. synthesis needs no engine call."""
        return self.cached(sentences, voice, rate) == len(sentences)

    def synthesize(self, sentences: Sequence[str], voice: str, rate: float) -> Synthesis:
        keys = self._keys(sentences, voice, rate)
        text_of = dict(zip(keys, sentences, strict=True))
        found: dict[str, tuple[AudioSegment, list[int]]] = {}
        for k in dict.fromkeys(keys):
            if (entry := self.cache.entry(k)) is not None:
                clip, words = entry
                found[k] = (clip, words if words is not None
                            else estimate_word_starts(text_of[k], clip))
        missing = [k for k in dict.fromkeys(keys) if k not in found]
        meta = {"cache_hits": str(sum(k in found for k in keys))}
        calls = 0
        if missing:
            made = self.engine.synthesize([text_of[k] for k in missing], voice, rate)
            for n, (key, clip) in enumerate(zip(missing, made.clips, strict=True)):
                # only what the engine reported is kept: an estimate is made again on
                # each hit, so a better estimator reaches clips already cached
                reported = made.words[n] if n < len(made.words) else None
                self.cache.put(key, clip, reported)
                found[key] = (clip, made.word_starts(n, text_of[key]))
            calls = made.calls
            meta.update(made.meta)
        return Synthesis(clips=[found[k][0] for k in keys], engine=self.name,
                         voice=self.resolve_voice(voice), calls=calls, meta=meta,
                         words=[list(found[k][1]) for k in keys])
