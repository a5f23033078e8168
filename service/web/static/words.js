// Word highlight ("Tô sáng từng từ"): inside the sentence being read (reader.js marks it
// .is-current), the word being said gets a second colour and an underline. It is drawn
// with the CSS Custom Highlight API (CSS.highlights, ::highlight in site.css): no element
// is added or changed, so a screen reader hears nothing of it and the text stays as it is
// for copying and reading. Browsers without the API get no word highlight (the switch
// stays hidden). Word times are the `w` of each sentence cue in the bulletin's
// timings.json: [start s, char_start, char_end], offsets into the original text in code
// points, as the cue's own. Remembered like the other reader preferences (prefs.js).
(function () {
  "use strict";
  var section = document.querySelector(".player[data-bulletin]");
  if (!section || !window.CSS || !window.CSS.highlights || typeof window.Highlight !== "function") { return; }
  var NAME = "bantin-word";
  // The embed has no prefs.js and sets no cookies (inside a portal they are third-party):
  // there the switch holds for the visit only.
  var kept = {};
  var prefs = window.bantinPrefs || {
    get: function (name) { return kept[name] || null; },
    set: function (name, value) { kept[name] = value; }
  };
  var times = {};       // sentence number -> [[start s, from, to] in the span's UTF-16 units]
  var timedFor = null;  // the <audio> the times belong to
  var shown = null;     // "sentence:word" now highlighted
  var frame = 0;

  function audio() { return document.getElementById("audio"); }
  function on() { return prefs.get("words") !== "off"; }

  // The switch is in the player's markup (also inside its <template> until the audio is
  // ready), so it is found again whenever a new <audio> comes in.
  function syncSwitch() {
    if (!document.querySelector(".s[data-i]")) { return; }  // no text shown, no words to light
    document.querySelectorAll("[data-words]").forEach(function (box) {
      box.checked = on();
      var row = box.closest("[data-words-row]");
      if (row) { row.hidden = false; }
    });
  }

  // Code point offsets into the original text -> UTF-16 offsets into the sentence's span,
  // checked against the span's own text (a cue for other text is left out).
  function spanTimes(cue, span) {
    var text = span.textContent, points = Array.from(text), at = [0], out = [];
    if (cue.text !== text || span.childNodes.length !== 1 || span.firstChild.nodeType !== 3) { return null; }
    points.forEach(function (p, k) { at.push(at[k] + p.length); });
    cue.w.forEach(function (w) {
      var from = w[1] - cue.char_start, to = w[2] - cue.char_start;
      if (from >= 0 && from < to && to <= points.length) { out.push([Number(w[0]), at[from], at[to]]); }
    });
    return out;
  }
  function load() {
    var a = audio();
    // The first part has its own clock; timings.json is the whole bulletin's.
    if (!a || a.hasAttribute("data-part") || timedFor === a) { return; }
    timedFor = a;
    times = {};
    fetch("/bulletins/" + section.dataset.bulletin + "/timings.json", {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (timedFor !== a || !data || !data.cues) { return; }
        data.cues.forEach(function (cue) {
          if (cue.i == null || !cue.w || cue.char_start == null) { return; }
          var span = document.querySelector(".s[data-i='" + Number(cue.i) + "']");
          var list = span && spanTimes(cue, span);
          if (list && list.length) { times[String(cue.i)] = list; }
        });
        update();
      })
      .catch(function () { /* no word times: the sentence highlight alone */ });
  }

  function clear() {
    shown = null;
    window.CSS.highlights.delete(NAME);
  }
  function update() {
    var a = audio(), span = document.querySelector(".s.is-current");
    var list = a && span && on() ? times[span.dataset.i] : null;
    var t = a ? a.currentTime : 0, hit = -1;
    // In the pause after the sentence, no word is being said.
    if (list && t <= (parseFloat(span.dataset.end) || Infinity) + 0.05) {
      for (var k = 0; k < list.length && list[k][0] <= t + 0.02; k++) { hit = k; }
    }
    if (hit < 0) { if (shown !== null) { clear(); } return; }
    var key = span.dataset.i + ":" + hit;
    if (key === shown) { return; }
    var range = document.createRange();
    range.setStart(span.firstChild, list[hit][1]);
    range.setEnd(span.firstChild, list[hit][2]);
    window.CSS.highlights.set(NAME, new window.Highlight(range));
    shown = key;
  }
  // `timeupdate` comes about four times a second, slower than words: while the audio
  // plays, follow it frame by frame.
  function tick() {
    frame = 0;
    update();
    var a = audio();
    if (a && !a.paused && !a.ended) { frame = window.requestAnimationFrame(tick); }
  }
  function start() { if (!frame) { frame = window.requestAnimationFrame(tick); } }

  // Media events do not bubble: listen in the capture phase, so a swapped-in <audio>
  // (reader.js replaces it when the whole bulletin is ready) is followed as well.
  document.addEventListener("play", start, true);
  ["seeked", "timeupdate", "pause", "ended"].forEach(function (name) {
    document.addEventListener(name, update, true);
  });
  document.addEventListener("loadstart", function () { syncSwitch(); load(); }, true);
  document.addEventListener("change", function (ev) {
    if (!ev.target.matches || !ev.target.matches("[data-words]")) { return; }
    prefs.set("words", ev.target.checked ? "on" : "off");
    syncSwitch();
    if (ev.target.checked) { update(); } else { clear(); }
  });
  syncSwitch();
  load();
})();
