"""Timings: WebVTT a parser accepts, JSON in the promised shape, original text in cues."""

from __future__ import annotations

import html
import json

import webvtt

from audio.assemble import Cue
from audio.mastering import encode_profile
from audio.profiles import get_profile
from audio.timing import cue_dicts, to_json, to_webvtt, vtt_timestamp
from tests.audio.test_profiles import TEXT, bulletin_parts

CUES = [
    Cue(200, 1500, 0, 12, "Tin & <báo>", "title", 0),
    Cue(2400, 3661001, 14, 40, "Dòng hai\nvẫn một câu.", "paragraph", 1),
    Cue(0, 0, None, None, "Bản tin.", "header", 2),
]


def test_timestamps() -> None:
    assert vtt_timestamp(3_661_001) == "01:01:01.001"
    assert vtt_timestamp(-5) == "00:00:00.000"


def test_webvtt_parses_back() -> None:
    captions = webvtt.from_string(to_webvtt(CUES)).captions
    assert [c.identifier for c in captions] == ["s0", "s1", "s2"]
    assert captions[0].start == "00:00:00.200" and captions[1].end == "01:01:01.001"
    assert html.unescape(captions[0].text) == "Tin & <báo>"
    assert captions[1].text == "Dòng hai vẫn một câu."
    assert captions[2].end_in_seconds >= captions[2].start_in_seconds


def test_json_shape() -> None:
    data = json.loads(to_json(CUES))
    assert data[0] == {"start": 0.2, "end": 1.5, "char_start": 0, "char_end": 12,
                       "text": "Tin & <báo>", "kind": "title"}
    assert data[1]["end"] == 3661.001
    assert data[2]["char_start"] is None
    assert "Dòng" in to_json(CUES)  # not \\u-escaped
    assert cue_dicts([]) == []


def test_rendered_cues_carry_the_original_text() -> None:
    (mp3, opus) = encode_profile(bulletin_parts(), get_profile("web"))
    body = [c for c in mp3.cues if c.kind != "header"]
    for cue in body:
        assert cue.char_start is not None and cue.char_end is not None
        assert TEXT[cue.char_start:cue.char_end] == cue.text
    captions = webvtt.from_string(mp3.webvtt()).captions
    assert [html.unescape(c.text) for c in captions] == [c.text for c in mp3.cues]
    starts = [c.start_in_seconds for c in webvtt.from_string(opus.webvtt()).captions]
    assert starts == sorted(starts)
    # MP3 cues are later by exactly the encoder delay; Opus needs none
    assert mp3.cues[0].start_ms - opus.cues[0].start_ms == 46
    assert json.loads(mp3.cues_json())[1]["text"] == body[0].text
