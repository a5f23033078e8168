"""Vietnamese text front end: what the engines are asked to say.

Public API (the only names other packages may import):

- `normalize(text, style="north", lexicon=(), domain=None) -> Normalized` — written
  form to spoken form, with audit warnings for anything it could not verbalize.
- `detect_domain(title, lead, source="", category="") -> str | None` — the bulletin's
  domain ("health", "court" …), computed once per bulletin and passed to `normalize`.
- `domain_label(domain) -> str` — its Vietnamese name for editors ("y tế").
- `split_sentences(text) -> list[Span]` — sentence spans with code-point offsets into
  the original text.
- `chunk(text, max_chars) -> list[str]` — split a long spoken sentence at clause
  boundaries for engines with a length limit.
- `NORMALIZER_VERSION` — recorded on every rendition; bump it when output changes.
"""

from audio.text.domains import detect as detect_domain
from audio.text.domains import label as domain_label
from audio.text.normalize import NORMALIZER_VERSION, LexiconEntry, Normalized, normalize
from audio.text.segment import Span, chunk, split_sentences

__all__ = [
    "NORMALIZER_VERSION",
    "LexiconEntry",
    "Normalized",
    "Span",
    "chunk",
    "detect_domain",
    "domain_label",
    "normalize",
    "split_sentences",
]
