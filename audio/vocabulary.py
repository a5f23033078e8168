"""The product's names, defined once: engines, voices, reading styles, profiles, file kinds.

Settings, request validation, the CLI, the engines and the templates all take their
names from here, so a new voice or profile is one edit, and a chain is parsed by one
function everywhere (environment, API, command line). Plain data and pure functions:
importing this module loads nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

#: Engines in the order a default install tries them is the settings' business; this is
#: the set of names and what each is called in Vietnamese.
ENGINES: dict[str, str] = {"gtts": "Google (trực tuyến)", "piper": "Piper (giọng máy)",
                           "espeak": "espeak-ng (ngoại tuyến)"}
#: Other spellings operators type for the same engines.
ENGINE_ALIASES: dict[str, str] = {"espeak-ng": "espeak", "espeakng": "espeak",
                                  "google": "gtts"}

#: Listener-facing voices (each engine maps them onto its own) and their labels.
VOICES: dict[str, str] = {"north": "Miền Bắc", "central": "Miền Trung", "south": "Miền Nam"}

Style = Literal["north", "south"]
#: Reading conventions of the normalizer ("linh/nghìn" in the North, "lẻ/ngàn" in the South).
STYLES: tuple[Style, ...] = ("north", "south")

#: Output profiles, the web one first: it is what listeners wait for.
PROFILES: tuple[str, ...] = ("web", "podcast", "loudspeaker", "telephony")
WEB = "web"

#: Audio file kinds a rendition can hold: kind → (profile, format). The kind is the
#: public name (`/bulletins/<id>/audio.<kind>`, the API's `audio` map).
AUDIO_KINDS: dict[str, tuple[str, str]] = {
    "mp3": ("web", "mp3"),
    "ogg": ("web", "opus"),
    "podcast": ("podcast", "mp3"),
    "loudspeaker": ("loudspeaker", "mp3"),
    "telephony": ("telephony", "wav"),
}
#: What each kind is called on the download list, in the order readers want them.
AUDIO_KIND_LABELS: dict[str, str] = {
    "mp3": "MP3 (phổ biến nhất)",
    "ogg": "Ogg Opus (nhỏ gọn)",
    "podcast": "MP3 cho podcast",
    "loudspeaker": "MP3 cho loa truyền thanh",
    "telephony": "Âm thanh cho điện thoại",
}
#: Kinds that are not audio of a profile: the fast first part and the timing files.
FIRST, TIMINGS, CAPTIONS = "first", "timings", "vtt"


def audio_kind(profile: str, fmt: str) -> str:
    """The file kind of one output of a profile (`("web", "opus")` → `"ogg"`)."""
    for kind, key in AUDIO_KINDS.items():
        if key == (profile, fmt):
            return kind
    return f"{profile}-{fmt}"


def profile_kinds(profile: str) -> tuple[str, ...]:
    """Every audio kind a profile produces, in the order it produces them."""
    return tuple(k for k, (p, _fmt) in AUDIO_KINDS.items() if p == profile)


def style_for(voice: str) -> Style:
    """The reading style that goes with a voice: the South reads numbers its own way;
    the North's conventions are the national broadcast norm for every other voice."""
    return "south" if voice == "south" else "north"


def parse_engines(spec: str | Sequence[str]) -> tuple[str, ...]:
    """Engine names from "gtts, piper ,espeak" (or a list): known, ordered, once each.

    Raises `ValueError` with an English message naming the problem; callers wrap it in
    their own error (a settings error, a 422 naming the field, a CLI usage error).
    """
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [ENGINE_ALIASES.get(n, n) for n in (p.strip().lower() for p in parts) if n]
    unknown = [n for n in names if n not in ENGINES]
    if unknown:
        raise ValueError(f"unknown engine(s) {', '.join(unknown)} in {spec!r}; "
                         f"known: {', '.join(ENGINES)}")
    if not names:
        raise ValueError("the engine chain is empty; for example 'gtts,espeak'")
    if len(set(names)) != len(names):
        raise ValueError(f"an engine appears twice in {spec!r}")
    return tuple(names)


def parse_profiles(spec: str | Sequence[str]) -> tuple[str, ...]:
    """Profile names from "web,podcast": known, once each, `web` included and first."""
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [p.strip().lower() for p in parts if p.strip()]
    unknown = [n for n in names if n not in PROFILES]
    if unknown:
        raise ValueError(f"unknown profile(s) {', '.join(unknown)}; known: {', '.join(PROFILES)}")
    if WEB not in names:
        raise ValueError("the web profile is required (it is what the reading page plays)")
    if len(set(names)) != len(names):
        raise ValueError(f"a profile appears twice in {spec!r}")
    return (WEB, *[n for n in names if n != WEB])
