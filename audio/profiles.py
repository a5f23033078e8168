"""Output profiles: what each kind of listener gets, as plain data.

A profile is every choice between "assembled speech" and "bytes on disk": loudness,
band limiting, compression, chime, repetitions, and the files to encode. Keeping them
as frozen dataclasses means an operator's override is `get_profile("loudspeaker",
target_lufs=-14, repeat=2)`, the values can be recorded beside a rendition, and tests
read the promises (rates, bitrates, targets) from the same place the code uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from audio.assemble import Pauses
from audio.encode import Format


@dataclass(frozen=True)
class Output:
    """One encoded file of a profile. `sample_rate` is the PCM rate fed to the encoder
    (Opus always decodes at 48 kHz whatever it was given)."""

    format: Format
    sample_rate: int
    bitrate_kbps: int | None = None  # None for WAV


@dataclass(frozen=True)
class Compression:
    """Gentle RMS compression (see `audio.loudness.compress`)."""

    threshold_db: float = -24.0
    ratio: float = 2.5


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    outputs: tuple[Output, ...]
    target_lufs: float
    true_peak_db: float = -1.0
    pauses: Pauses = field(default_factory=Pauses)
    #: (high-pass Hz, low-pass Hz); None leaves the engine's bandwidth alone
    band_hz: tuple[float | None, float | None] | None = None
    compression: Compression | None = None
    chime: bool = False
    #: which signal opens and closes the programme when `chime` is true: the station
    #: chime (`audio.chime`) for the news, the two-tone attention signal
    #: (`audio.attention`) for emergency bulletins, so nobody takes one for the other
    signal: Literal["chime", "attention"] = "chime"
    #: silence between the chime and speech, both ends
    chime_gap_ms: int = 700
    #: play the bulletin this many times (loudspeakers: people miss the first one)
    repeat: int = 1
    repeat_gap_ms: int = 3000
    #: relative speaking rate the CALLER must synthesize with (1.0 normal, <1 slower);
    #: rate is an engine parameter, so it cannot be applied here without artifacts
    synthesis_rate: float = 1.0
    #: write ID3 tags and CHAP/CTOC chapters into MP3 outputs
    id3: bool = False

    def with_overrides(self, **overrides: Any) -> Profile:
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"profile {self.name!r} has no setting(s) {sorted(unknown)}")
        return replace(self, **overrides)


WEB = Profile(
    name="web",
    description=(
        "The reading page and the embeddable player: small files that start and seek "
        "fast on a phone. Mono MP3 48 kb/s at 24 kHz for every browser and Ogg/Opus "
        "24 kb/s (better quality per byte) for those that play it. -18 LUFS sits in the "
        "-16...-19 range of speech podcasts and leaves screen-reader speech audible."
    ),
    outputs=(Output("mp3", 24000, 48), Output("opus", 24000, 24)),
    target_lufs=-18.0,
)

PODCAST = Profile(
    name="podcast",
    description=(
        "Podcast feeds and downloads: CBR mono MP3 64 kb/s at 44.1 kHz (what podcast "
        "apps and hosts expect), -16 LUFS as Apple and Spotify normalize to, ID3v2.3 "
        "tags (title, artist, date, language 'vie', cover) and chapters for the title, "
        "lead and each paragraph."
    ),
    outputs=(Output("mp3", 44100, 64),),
    target_lufs=-16.0,
    id3=True,
)

LOUDSPEAKER = Profile(
    name="loudspeaker",
    description=(
        "Commune loudspeakers and IP speakers: mono, band-limited to 150 Hz-7 kHz "
        "(horn speakers reproduce nothing else, and the energy is better spent where "
        "speech is), gently compressed so soft syllables carry outdoors, a station "
        "chime before and after, optional repetitions, -16 LUFS unless the operator "
        "sets another target. Synthesize at 0.85x: outdoor listeners need it slower."
    ),
    outputs=(Output("mp3", 44100, 64),),
    target_lufs=-16.0,
    pauses=Pauses(after_header=1200, after_title=1200, after_lead=1000,
                  after_paragraph=900, after_sentence=450),
    band_hz=(150.0, 7000.0),
    compression=Compression(),
    chime=True,
    synthesis_rate=0.85,
)

TELEPHONY = replace(
    LOUDSPEAKER,
    name="telephony",
    description=(
        "Phone-line speakers and dial-in lines: the loudspeaker programme at 8 kHz "
        "16-bit mono WAV (what SIP/PBX players take), band-limited to the telephone "
        "band 300-3400 Hz."
    ),
    outputs=(Output("wav", 8000),),
    band_hz=(300.0, 3400.0),
)

PROFILES: dict[str, Profile] = {p.name: p for p in (WEB, PODCAST, LOUDSPEAKER, TELEPHONY)}


def get_profile(name: str, **overrides: Any) -> Profile:
    """A named profile with operator overrides applied (unknown keys are an error)."""
    try:
        profile = PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; known: {sorted(PROFILES)}") from None
    return profile.with_overrides(**overrides) if overrides else profile
