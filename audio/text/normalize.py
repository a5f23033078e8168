"""Written Vietnamese → what a news announcer says, as a pipeline of small stages.

Each stage is a plain `(text, style) -> text` function with its data in TSV tables, in
the order the conventions need: codes and dates must be claimed before a later stage
could read their digits as quantities, abbreviations are decided while the digits
they depend on are still there, unknown capitals are spelled only after Roman
numerals had their turn, and cardinals go last. The worker calls
`normalize` once per sentence on whatever Unicode a portal sent, so it never raises: a
stage that fails is skipped and reported, and the audit still guarantees the output.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from audio.text.abbrev import abbreviations, apply_lexicon, byline, spell_capitals
from audio.text.audit import audit, spelled_capitals, tidy, undecided_forms
from audio.text.dates import dates_times
from audio.text.marks import protected_spans, silent_marks
from audio.text.numbers import Style, get_style
from audio.text.quantities import fractions, money, ranges_scores, set_scores, units
from audio.text.tables import domain_names
from audio.text.unicode_clean import clean
from audio.text.words import alnum_codes, cardinals, ordinals, roman_numerals

NORMALIZER_VERSION = "1.13"

log = logging.getLogger(__name__)

Stage = Callable[[str, Style], str]

#: The pipeline, in order (see docs/vietnamese-reading.md for what each one says).
STAGES: tuple[tuple[str, Stage], ...] = (
    ("byline", lambda t, _s: byline(t)),
    ("silent marks", silent_marks),
    ("protected spans", protected_spans),
    ("abbreviations", abbreviations),
    ("set scores", set_scores),
    ("dates and times", dates_times),
    ("money", money),
    ("units and percent", units),
    ("ranges and scores", ranges_scores),
    ("fractions", fractions),
    ("roman numerals", roman_numerals),
    ("ordinals", ordinals),
    ("alphanumeric codes", alnum_codes),
    ("spelled capitals", spell_capitals),
    ("cardinals", cardinals),
    ("tidy", tidy),
)


#: What an editor sees when a stage fails (warnings are shown in Vietnamese).
_STAGE_NAMES_VI = {
    "unicode cleanup": "chuẩn hóa mã chữ",
    "lexicon": "từ điển phát âm",
    "byline": "nguồn tin đầu bài",
    "silent marks": "dấu không đọc",
    "protected spans": "địa chỉ, số điện thoại, số văn bản",
    "abbreviations": "chữ viết tắt",
    "set scores": "tỷ số các set",
    "dates and times": "ngày giờ",
    "money": "tiền tệ",
    "units and percent": "đơn vị đo và phần trăm",
    "ranges and scores": "khoảng số và tỷ số",
    "fractions": "phân số và tỷ lệ",
    "roman numerals": "số La Mã",
    "ordinals": "số thứ tự",
    "alphanumeric codes": "mã chữ số",
    "spelled capitals": "đánh vần chữ in hoa",
    "cardinals": "số đếm",
    "tidy": "làm gọn",
}


@dataclass(frozen=True)
class LexiconEntry:
    """An editor's respelling: `written` is said as `spoken`."""

    written: str
    spoken: str


@dataclass
class Normalized:
    """The spoken form, and what the audit could not verbalize (for the editor preview)."""

    text: str
    warnings: list[str] = field(default_factory=list)
    #: All-capital tokens no table knows, read letter by letter: acceptable, but a guess.
    guessed: list[str] = field(default_factory=list)
    #: The audit's notices for those guesses, in Vietnamese, for the editor preview (one
    #: per token; "add to the lexicon" fixes it). Not failures, so not in `warnings`.
    notices: list[str] = field(default_factory=list)


def _run(name: str, stage: Stage, text: str, style: Style, warnings: list[str]) -> str:
    try:
        return stage(text, style)
    except Exception as exc:  # a bug in one stage must not lose the whole bulletin
        log.exception("normalizer stage %r failed on %r", name, text[:200])
        warnings.append(
            f"lỗi ở bước {_STAGE_NAMES_VI.get(name, name)} ({name}: {type(exc).__name__}),"
            " đã bỏ qua bước này: hãy nghe lại câu"
        )
        return text


def _lexicon_key(lexicon: Sequence[LexiconEntry]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (unicodedata.normalize("NFC", e.written), unicodedata.normalize("NFC", e.spoken).lower())
        for e in lexicon
    )


def _stages(domain: str | None) -> tuple[tuple[str, Stage], ...]:
    """The pipeline for a document domain: only the abbreviation stage reads it (an
    unknown name is no domain: the worker must never fail over a category)."""
    if domain is None or domain not in domain_names():
        return STAGES
    bound: Stage = partial(abbreviations, domain=domain)
    return tuple((name, bound if name == "abbreviations" else f) for name, f in STAGES)


def normalize(
    text: str,
    style: str = "north",
    lexicon: Sequence[LexiconEntry] = (),
    domain: str | None = None,
) -> Normalized:
    """The spoken form of one sentence (or line) of written Vietnamese.

    `style` is "north" (default broadcast style) or "south"; `lexicon` entries are
    applied first, whole word and case-insensitive, longest written form first, so an
    editor's respelling always wins. `domain` is the bulletin's domain
    (`detect_domain`): it picks the reading of an abbreviation that the words around
    it leave open, after the table's contexts and before its context-free defaults.
    """
    warnings: list[str] = []
    reading = get_style(style if isinstance(style, str) else "north")
    source = _run("unicode cleanup", lambda t, _s: clean(t), str(text), reading, warnings)
    entries = _lexicon_key(lexicon)
    out = _run("lexicon", lambda t, _s: apply_lexicon(t, entries), source, reading, warnings)
    for name, stage in _stages(domain):
        out = _run(name, stage, out, reading, warnings)
    try:
        out, found = audit(source, out, exempt=(w for w, _ in entries))
    except Exception:  # the audit itself failing: keep only what is certainly speakable
        log.exception("normalizer audit failed on %r", source[:200])
        found = ["lỗi khi kiểm tra đầu ra, chỉ giữ lại chữ cái: hãy nghe lại câu"]
        out = " ".join("".join(c if c.isalpha() else " " for c in out).split())
    try:
        guessed = spelled_capitals(source, out, exempt=(w for w, _ in entries))
    except Exception:  # a report only: never lose the sentence over it
        log.exception("normalizer spelled-capitals check failed on %r", source[:200])
        guessed = []
    warnings.extend(found)
    for w in found:
        log.warning("normalize: %s in %r", w, source[:120])
    notices = [_notice(token) for token in guessed]
    return Normalized(out, warnings, guessed=guessed, notices=notices)


def _notice(token: str) -> str:
    """What the editor reads about a spelled token: unknown, or known but undecided."""
    if token.lower() in undecided_forms():
        what = "chữ viết tắt nhiều nghĩa, câu và lĩnh vực bản tin chưa đủ để chọn, đã đánh vần"
    else:
        what = "chữ viết tắt chưa có trong bảng, đã đánh vần"
    return f"{what}: {token} (hãy nghe lại, thêm vào từ điển phát âm của nguồn tin nếu cần)"
