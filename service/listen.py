"""Listen before submitting ("Nghe thử"): one sentence spoken through the real chain.

The web app names the file it will wait for (a hash of everything that decides the
audio), asks a worker to make it, and the page polls `/audio/<name>` until it exists.
The same sentence with the same voice is made once: later requests find the file.
"""

from __future__ import annotations

import hashlib
import json

from audio.text import NORMALIZER_VERSION

#: a sample is a sentence or two, not a bulletin
MAX_CHARS = 400


def sample_name(text: str, voice: str, rate: float, source: str, lexicon_stamp: str) -> str:
    """The storage name of the sample (`lexicon_stamp` changes when a respelling does)."""
    blob = json.dumps(["listen-1", NORMALIZER_VERSION, text, voice, rate, source,
                       lexicon_stamp], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32] + ".mp3"


def lexicon_stamp(entries: list[tuple[str, str]]) -> str:
    return hashlib.sha256(json.dumps(sorted(entries), ensure_ascii=False).encode()).hexdigest()
