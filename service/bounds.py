"""Bounds on what one bulletin may cost, measured on what will be *said*.

The written length alone is no bound: 15,000 digits are read as 54 minutes, a lexicon
entry can make one word two hundred, and a bulletin of one-word lines is thousands of
sentences, each with its pause. So a submission is normalized (as the worker will) and
refused with a 422 naming `body`, saying by how much, when its spoken form is over any
of: spoken characters, sentences, or the estimated minutes of audio. The worker checks
the same bounds again (a lexicon change may have come since), so nothing over them is
ever synthesized.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from audio.text import normalize
from audio.vocabulary import style_for
from service.document import build_document
from service.lexicon import respellings
from service.settings import Settings
from service.validation import BulletinInput, ValidationError

#: spoken characters a second at rate 1.0, a little fast for Vietnamese newsreading
#: (the demo bulletin: 4,670 spoken characters in 276 s, 16.9/s), so estimates err long
CHARS_PER_SECOND = 15.0
#: the pause an average sentence adds (loudspeaker pauses are the longest: 450-1200 ms)
PAUSE_SECONDS = 0.6
#: a lexicon entry may say a word at most this many times longer than it is written
#: (and always up to `LEXICON_MIN_SPOKEN` characters: "TP" → "thành phố")
LEXICON_RATIO = 10
LEXICON_MIN_SPOKEN = 40
#: the longest run of digits read out (phone, account and ID numbers are under 20); a
#: longer one is not news but a data dump, read digit by digit for minutes
MAX_DIGIT_RUN = 40
_DIGIT_RUN = re.compile(rf"\d{{{MAX_DIGIT_RUN + 1},}}")


@dataclass(frozen=True)
class Spoken:
    chars: int
    sentences: int
    seconds: float


def measure(spoken: Sequence[str], rate: float = 1.0) -> Spoken:
    """How much a list of spoken sentences is, with an estimate of its audio length at
    the slowest rate any profile reads it (loudspeakers read at 0.85×)."""
    chars = sum(len(t) for t in spoken)
    said = sum(1 for t in spoken if t.strip())
    slowest = max(0.1, rate * 0.85)
    return Spoken(chars, said, chars / (CHARS_PER_SECOND * slowest) + said * PAUSE_SECONDS)


def _over(what_vi: str, what_en: str, value: float, limit: float, unit_vi: str,
          unit_en: str) -> ValidationError:
    excess = round(100 * (value - limit) / limit)
    return ValidationError(
        "body",
        f"Bản tin quá dài khi đọc: {what_vi} khoảng {value:,.0f} {unit_vi}, tối đa "
        f"{limit:,.0f} {unit_vi} (vượt {excess}%). Hãy chia thành nhiều bản tin hoặc rút "
        "gọn (chuỗi số rất dài và cách đọc trong từ điển cũng làm bản tin dài ra).",
        f"Too long when read: {what_en} about {value:,.0f} {unit_en}, at most "
        f"{limit:,.0f} ({excess}% over).", status=422)


def check(m: Spoken, settings: Settings) -> None:
    if m.chars > settings.max_spoken_chars:
        raise _over("số ký tự đọc", "spoken characters", m.chars, settings.max_spoken_chars,
                    "ký tự", "characters")
    if m.sentences > settings.max_sentences:
        raise _over("số câu", "sentences", m.sentences, settings.max_sentences, "câu",
                    "sentences")
    minutes = m.seconds / 60
    if minutes > settings.max_audio_minutes:
        raise _over("thời lượng", "audio", minutes, settings.max_audio_minutes, "phút",
                    "minutes")


def spoken_forms(s: Session, item: BulletinInput, settings: Settings,
                 bulletin_id: int = 0) -> list[str]:
    """Every sentence as the worker will say it (its voice's style, its lexicon)."""
    style = style_for(item.voice or settings.tts_voice)
    lexicon = respellings(s, item.source, bulletin_id)
    paragraphs = [p.strip() for p in item.body.split("\n") if p.strip()]
    doc = build_document(item.title, item.lead, paragraphs, item.author)
    return [normalize(sent.text, style=style, lexicon=lexicon).text
            for sent in doc.sentences()]


def check_digit_runs(item: BulletinInput) -> None:
    for name in ("title", "lead", "body", "author"):
        run = _DIGIT_RUN.search(getattr(item, name))
        if run:
            raise ValidationError(
                name, f"Có một dãy {len(run.group())} chữ số liền nhau (tối đa "
                      f"{MAX_DIGIT_RUN}); dãy số dài như vậy sẽ bị đọc từng chữ số trong "
                      "nhiều phút. Hãy tách hoặc bỏ bớt.",
                f"A run of {len(run.group())} digits (at most {MAX_DIGIT_RUN}).")


def check_submission(s: Session, item: BulletinInput, settings: Settings,
                     bulletin_id: int = 0) -> Spoken:
    check_digit_runs(item)
    m = measure(spoken_forms(s, item, settings, bulletin_id), item.rate or settings.tts_rate)
    check(m, settings)
    return m


def check_respelling(written: str, spoken: str) -> None:
    """A lexicon entry may not multiply what is said (one word said as a page)."""
    limit = max(LEXICON_MIN_SPOKEN, LEXICON_RATIO * len(written))
    if len(spoken) > limit:
        raise ValidationError(
            "spoken", f"Cách đọc quá dài so với chữ viết: {len(spoken)} ký tự cho "
                      f"{len(written)} ký tự, tối đa {limit}.",
            f"The respelling is too long for the word: at most {limit} characters.")
