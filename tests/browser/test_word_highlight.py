"""Word highlight (issue 15, item 4): while the real audio plays, the word being said is
lit inside the highlighted sentence (CSS Custom Highlight API), moving forward with the
voice; "Tô sáng từng từ" turns it off and is remembered; axe stays clean with it on."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from tests.browser.conftest import axe_clean
from tests.e2e.stack import Stack

AUDIO = "document.getElementById('audio')"

#: Every 100 ms for `ms`: the lit word (its sentence, offsets and text), the audio's time,
#: and which word timings.json says is being said then.
SAMPLE = """async (ms) => {
  const bid = document.querySelector('.player[data-bulletin]').dataset.bulletin;
  const cues = (await (await fetch('/bulletins/' + bid + '/timings.json')).json()).cues;
  const byI = {};
  cues.forEach(c => { if (c.i != null) { byI[c.i] = c; } });
  const audio = document.getElementById('audio'), out = [], t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await new Promise(r => setTimeout(r, 100));
    const hl = CSS.highlights.get('bantin-word'), t = audio.currentTime;
    const cur = document.querySelector('.s.is-current');
    if (!hl || !cur) { out.push({t, lit: false}); continue; }
    const range = [...hl][0], span = range.startContainer.parentElement;
    const cue = byI[span.dataset.i];
    // which written word timings.json puts at `t`
    let said = -1;
    (cue.w || []).forEach((w, k) => { if (w[0] <= t) { said = k; } });
    const start = Array.from(span.textContent.slice(0, range.startOffset)).length;
    const lit = (cue.w || []).findIndex(w => w[1] - cue.char_start === start);
    out.push({t, lit: true, inCurrent: span === cur, i: span.dataset.i, start,
              text: range.toString(), word: lit, said, words: (cue.w || []).length,
              third: cue.w && cue.w.length >= 3 ? cue.w[2][0] : null});
  }
  return out;
}"""


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(css: str) -> float:
        rgb = [int(v) / 255 for v in re.findall(r"\d+", css)[:3]]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    a, b = sorted((luminance(fg), luminance(bg)))
    return (b + 0.05) / (a + 0.05)


def test_the_word_being_said_is_lit_and_the_switch_turns_it_off(
        axe: Any, new_page: Callable[..., Any], stack: Stack, bulletin: dict[str, Any]) -> None:
    page = new_page()
    page.goto(f"{stack.url}/bulletins/{bulletin['id']}")
    page.wait_for_selector("[data-controls]:not([hidden])")
    switch = page.get_by_label("Tô sáng từng từ")
    assert switch.is_visible() and switch.is_checked()

    page.locator("[data-act=toggle]").click()
    page.wait_for_function(f"() => {AUDIO}.currentTime > 0.3 && !{AUDIO}.paused", timeout=15000)
    samples = page.evaluate(SAMPLE, 4000)
    lit = [s for s in samples if s["lit"]]
    assert len(lit) >= len(samples) * 0.6, samples  # pauses between sentences light nothing
    assert all(s["inCurrent"] for s in lit), lit  # inside the sentence being read
    assert all(s["text"].strip() and s["word"] >= 0 for s in lit), lit  # a whole written word
    # the lit word is the one the timings give for that moment: a frame behind at most, or
    # the next one when it starts within the 20 ms the page lights a word early
    bad = [s for s in lit if not s["said"] - 1 <= s["word"] <= s["said"] + 1]
    assert not bad, repr(bad)
    # it moves forward within a sentence, never back, over several words
    for a, b in itertools.pairwise(lit):
        if a["i"] == b["i"]:
            assert b["start"] >= a["start"], (a, b)
    moved = {(s["i"], s["start"]) for s in lit}
    assert len(moved) >= 5, lit

    # paused on a word (the third of the sentence being read), the word stays lit
    page.evaluate(f"{AUDIO}.pause()")
    third = next(s for s in reversed(lit) if s["words"] >= 3)["third"]
    page.evaluate(f"{AUDIO}.currentTime = {third + 0.05}")
    page.wait_for_function("() => CSS.highlights.has('bantin-word')", timeout=5000)
    axe_clean(axe, page, "word highlight on")
    # axe cannot see a highlight: its colours are checked here, AA contrast and an underline
    # (it differs from the sentence's highlight by more than colour)
    word, sentence = page.evaluate("""() => {
      const cur = document.querySelector('.s.is-current');
      const w = getComputedStyle(cur, '::highlight(bantin-word)'), s = getComputedStyle(cur);
      return [[w.color, w.backgroundColor, w.textDecorationLine], [s.backgroundColor]];
    }""")
    assert contrast(word[0], word[1]) >= 4.5, word
    assert "underline" in word[2] and word[1] != sentence[0], (word, sentence)

    switch.uncheck()
    assert not page.evaluate("CSS.highlights.has('bantin-word')")
    page.evaluate(f"{AUDIO}.play()")
    page.wait_for_timeout(1200)
    assert not page.evaluate("CSS.highlights.has('bantin-word')")
    assert page.evaluate(f"!{AUDIO}.paused")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("bantin_words") == "off"
    page.reload()
    page.wait_for_selector("[data-controls]:not([hidden])")
    assert not page.get_by_label("Tô sáng từng từ").is_checked()  # remembered
