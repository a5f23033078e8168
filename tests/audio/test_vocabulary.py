"""The product's names live in one place, and every layer agrees with it."""

from __future__ import annotations

import pytest

from audio import vocabulary as v
from audio.engines.registry import EngineConfig, make_engine
from audio.profiles import PROFILES, get_profile


@pytest.mark.parametrize("spec,names", [
    ("gtts,piper,espeak", ("gtts", "piper", "espeak")),
    (" GTTS , espeak-ng ", ("gtts", "espeak")),
    ("espeak", ("espeak",)),
    (("gtts", "espeak"), ("gtts", "espeak")),  # settings keep a tuple
])
def test_parse_engines(spec: str | tuple[str, ...], names: tuple[str, ...]) -> None:
    assert v.parse_engines(spec) == names


@pytest.mark.parametrize("spec,match", [
    ("gtts,festival", "unknown engine.*festival"), ("", "empty"), (" , ", "empty"),
    ("espeak,espeak", "twice"),
])
def test_bad_engine_specs_are_refused_with_a_reason(spec: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        v.parse_engines(spec)


@pytest.mark.parametrize("spec,names", [
    ("web", ("web",)), ("podcast, web", ("web", "podcast")),
    ("web,loudspeaker,telephony", ("web", "loudspeaker", "telephony")),
])
def test_parse_profiles_puts_web_first(spec: str, names: tuple[str, ...]) -> None:
    assert v.parse_profiles(spec) == names


@pytest.mark.parametrize("spec,match", [
    ("podcast", "web profile is required"), ("web,radio", "unknown profile.*radio"),
    ("web,web", "twice"),
])
def test_bad_profile_specs_are_refused(spec: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        v.parse_profiles(spec)


def test_every_engine_name_builds_an_engine() -> None:
    for name in (*v.ENGINES, *v.ENGINE_ALIASES):
        engine = make_engine(name, EngineConfig())
        assert engine.name == v.ENGINE_ALIASES.get(name, name)


def test_profiles_and_file_kinds_agree_with_the_profile_data() -> None:
    assert tuple(PROFILES) == v.PROFILES
    for name in v.PROFILES:
        kinds = tuple(v.audio_kind(name, o.format) for o in get_profile(name).outputs)
        assert kinds == v.profile_kinds(name), name
    assert v.audio_kind("web", "opus") == "ogg"
    assert list(v.AUDIO_KIND_LABELS) == list(v.AUDIO_KINDS)  # every kind has a label


def test_style_for_voice() -> None:
    assert [v.style_for(x) for x in v.VOICES] == ["north", "north", "south"]
