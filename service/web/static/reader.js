// Reading page and embed: Vietnamese player controls over the native <audio>, the synced
// transcript (highlight + aria-current, never moving focus, never a live region), seeking
// by sentence, opt-out shortcuts with a modifier (Alt+Shift+letter), and the status while rendering.
// Reading page only: auto-scroll with the voice ("Tự cuộn theo giọng đọc") and a compact
// player bar while the player is out of view.
(function () {
  "use strict";
  var live = document.getElementById("thong-bao");
  var store = {
    get: function (k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { window.localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  };
  // `later`: a message the reader did not ask for (the rendering status) waits while the
  // audio plays, so nothing is spoken over the voice; it is said at the next pause.
  var audio = null, held = null;
  // Reader preferences kept like the toolbar's (a cookie; prefs.js), here "follow".
  var prefs = window.bantinPrefs || {get: function () { return null; }, set: function () {}};
  function announce(text, later) {
    if (!live) { return; }
    if (later && audio && !audio.paused) { held = text; return; }
    live.textContent = text;
  }
  // The end of the bulletin, said once per end (cleared first, so a second end is said
  // again, and nothing else repeats it).
  var endTimer = null;
  function sayEnded() {
    if (!live) { return; }
    held = null;
    live.textContent = "";
    clearTimeout(endTimer);
    var part = audio && audio.dataset.part === "first";  // the opening, while the rest is made
    endTimer = setTimeout(function () {
      live.textContent = part ? "Đã đọc hết phần đầu; phần còn lại đang được tạo." : "Đã đọc hết bản tin.";
    }, 50);
  }
  function sayHeld() { if (held && live) { live.textContent = held; } held = null; }
  function unhide(sel) { document.querySelectorAll(sel).forEach(function (el) { el.hidden = false; }); }

  // ---- "Sao chép mã nhúng" -------------------------------------------------------------
  document.querySelectorAll("button[data-copy]").forEach(function (btn) {
    var field = document.getElementById(btn.dataset.copy);
    btn.hidden = false;
    btn.addEventListener("click", function () {
      function fallback() { field.select(); document.execCommand("copy"); }
      function done() { announce("Đã sao chép mã nhúng."); }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () { fallback(); done(); });
      } else { fallback(); done(); }
    });
  });

  var section = document.querySelector(".player[data-bulletin]");
  if (!section) { return; }
  var spans = [], stops = [], current = null;

  // ---- The slider, the clock text and the Play button: player-core.js ------------------
  var player = window.bantinPlayer, RATES = player.RATES;
  function rateWords(r) { return String(r).replace(".", ",") + " lần"; }

  // ---- Transcript -----------------------------------------------------------------------
  // Sentences stay plain text for reading (no role on each one: a screen reader would say
  // "button" after every sentence). The transcript as a whole is a named group described by
  // the visible hint, so entering it says what it does; one real button, "Đọc từ câu đang
  // chọn", is the next Tab stop and reads from the chosen sentence.
  var transcript = document.querySelector("[data-transcript]");
  var readFrom = document.querySelector("[data-read-from]");
  function start(span) { return parseFloat(span.dataset.start); }
  function collectSpans() {
    spans = audio ? Array.prototype.slice.call(document.querySelectorAll(".s[data-start]")) : [];
    // Keyboard stops: the sentences inside the transcript (the title above is only clickable).
    stops = spans.filter(function (s) { return transcript && transcript.contains(s); });
    var on = stops.length > 0;
    spans.forEach(function (s) { s.tabIndex = s === stops[0] ? 0 : -1; });
    if (!transcript) { return; }
    document.querySelectorAll("[data-transcript-hint], [data-transcript-actions]").forEach(function (e) {
      e.hidden = !on;
    });
    if (on) {
      transcript.setAttribute("role", "group");
      transcript.setAttribute("aria-label", "Nội dung bản tin — chọn câu để nghe từ đó");
      transcript.setAttribute("aria-describedby", "goi-y-cau");
      describeChosen(stops[0]);
    } else {
      ["role", "aria-label", "aria-describedby"].forEach(function (a) { transcript.removeAttribute(a); });
    }
  }
  function chosen() {
    return stops.filter(function (s) { return s.tabIndex === 0; })[0] || stops[0];
  }
  function describeChosen(span) {
    if (readFrom && span) { readFrom.setAttribute("aria-describedby", span.id); }
  }
  function spanAt(t) {
    var found = null;
    for (var i = 0; i < spans.length; i++) {
      if (start(spans[i]) <= t + 0.05) { found = spans[i]; } else { break; }
    }
    return found;
  }
  function setRoving(span) {
    if (stops.indexOf(span) < 0) { return; }
    stops.forEach(function (s) { s.tabIndex = s === span ? 0 : -1; });
    describeChosen(span);
  }
  function setCurrent(span) {
    if (span === current) { return; }
    if (current) { current.classList.remove("is-current"); current.removeAttribute("aria-current"); }
    current = span;
    if (!span) { return; }
    span.classList.add("is-current");
    span.setAttribute("aria-current", "true");
    // The tab stop follows the voice, but focus itself never moves on its own.
    var focused = document.activeElement;
    if (!(focused && focused.classList && focused.classList.contains("s"))) { setRoving(span); }
  }
  function seekTo(t, play) {
    if (!audio) { return; }
    var end = audio.duration || parseFloat(audio.dataset.duration) || t;
    audio.currentTime = Math.max(0, Math.min(t, end));
    setCurrent(spanAt(audio.currentTime));
    if (play && audio.paused) { playNow(); }
  }
  // Selecting text (a drag, a double click on a word) is reading or copying, not a
  // request to play: only a plain click on a sentence seeks.
  var pressAt = null;
  document.addEventListener("pointerdown", function (ev) { pressAt = {x: ev.clientX, y: ev.clientY}; });
  function selecting(ev) {
    var sel = window.getSelection && window.getSelection();
    if (sel && !sel.isCollapsed && String(sel).trim()) { return true; }
    return !!pressAt && ev.detail > 0 && Math.abs(ev.clientX - pressAt.x) + Math.abs(ev.clientY - pressAt.y) > 6;
  }
  document.addEventListener("click", function (ev) {
    var span = ev.target.closest && ev.target.closest(".s[data-start]");
    if (span && audio && spans.indexOf(span) >= 0) {
      if (selecting(ev)) { return; }
      setRoving(span); seekTo(start(span), true); return;
    }
    if (ev.target.closest && ev.target.closest("[data-read-from]") && audio && stops.length) {
      seekTo(start(chosen()), true);
    }
  });
  document.addEventListener("keydown", function (ev) {
    var span = ev.target.closest && ev.target.closest(".s[data-start]");
    if (!span || spans.indexOf(span) < 0 || ev.ctrlKey || ev.altKey || ev.metaKey) { return; }
    var i = stops.indexOf(span), next = null;
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      // On the sentence being read, Enter or Space pauses and resumes (no 16 Shift+Tabs
      // back to the Pause button); on any other sentence it reads from there.
      if (span === current && audio) { ACTIONS.toggle(); } else { seekTo(start(span), true); }
      return;
    }
    if (i < 0) { return; }
    if (ev.key === "ArrowDown" || ev.key === "ArrowRight") { next = stops[i + 1]; }
    else if (ev.key === "ArrowUp" || ev.key === "ArrowLeft") { next = stops[i - 1]; }
    else if (ev.key === "Home") { next = stops[0]; }
    else if (ev.key === "End") { next = stops[stops.length - 1]; }
    else { return; }
    ev.preventDefault();
    if (next) { setRoving(next); next.focus(); }
  });

  // ---- Player -----------------------------------------------------------------------------
  function el(sel) { return section.querySelector(sel); }
  function playNow() {
    var p = audio.play();
    if (p && p.catch) {
      // Only a refusal (autoplay policy) is news; a play() cut short by pause() or a new
      // source (AbortError) is the reader's own doing and must not be announced later.
      p.catch(function (err) {
        if (err && err.name === "NotAllowedError") { announce("Trình duyệt chưa cho phát. Hãy nhấn nút Phát."); }
      });
    }
  }
  function duration() {
    return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : parseFloat(audio.dataset.duration) || 0;
  }
  // The "Vị trí" slider and the clock text of the player and of the compact bar: one
  // timeline per slider (made in initPlayer; a swap keeps the slider, not the <audio>).
  // A key, a seek or a pause updates its aria-valuetext at once (showTime(true)).
  var timeline = null, timelineSlider;
  function showTime(now) { if (timeline) { timeline.show(now); } }
  function bindTimeline() {
    var slider = el("[data-seek]");
    if (timeline && slider === timelineSlider) { return; }
    timelineSlider = slider;
    timeline = player.seekSlider({audio: function () { return audio; }, slider: slider, duration: duration,
      seek: function (t) { seekTo(t); },
      times: function () { return section.querySelectorAll("[data-time], [data-bar-time]"); }});
  }
  function showPlaying() {
    player.showPlaying(section.querySelectorAll("[data-act=toggle], [data-bar-act=toggle]"), audio.paused);
    if (audio.paused) { sayHeld(); }
  }
  function applyRate(value) {
    value = player.setRate(audio, value);
    section.querySelectorAll("[data-rate], [data-bar-rate]").forEach(function (select) { select.value = value; });
    store.set("bantin_rate", value);
  }
  function stepRate(dir) {
    var i = RATES.indexOf(String(audio.playbackRate));
    var j = Math.max(0, Math.min(RATES.length - 1, (i < 0 ? 1 : i) + dir));
    applyRate(RATES[j]);
    announce("Tốc độ " + rateWords(RATES[j]) + ".");
  }
  function currentIndex() {
    var span = spanAt(audio.currentTime);
    return span ? spans.indexOf(span) : -1;
  }
  function sentence(dir) {
    if (!spans.length) { return; }
    var i = currentIndex();
    if (dir < 0) {
      // Like a track list: first press goes back to the start of the sentence being read.
      var target = i >= 0 && audio.currentTime - start(spans[i]) > 1.5 ? i : Math.max(0, i - 1);
      seekTo(start(spans[target]));
    } else if (Math.max(0, i) + 1 < spans.length) {
      seekTo(start(spans[Math.max(0, i) + 1]));
    }
  }
  function paragraph(dir) {
    if (!spans.length) { return; }
    var i = Math.max(0, currentIndex()), block = spans[i].dataset.block;
    var firstOf = function (b) { return spans.filter(function (s) { return s.dataset.block === b; })[0]; };
    var blocks = [];
    spans.forEach(function (s) { if (blocks.indexOf(s.dataset.block) < 0) { blocks.push(s.dataset.block); } });
    var k = blocks.indexOf(block);
    if (dir < 0) {
      var head = firstOf(block);
      var target = audio.currentTime - start(head) > 1.5 ? head : firstOf(blocks[Math.max(0, k - 1)]);
      seekTo(start(target));
    } else if (k + 1 < blocks.length) {
      seekTo(start(firstOf(blocks[k + 1])));
    }
  }
  var ACTIONS = {
    "toggle": function () { if (audio.paused) { playNow(); } else { audio.pause(); } },
    "back": function () { seekTo(audio.currentTime - 10); },
    "forward": function () { seekTo(audio.currentTime + 10); },
    "prev-sentence": function () { sentence(-1); },
    "next-sentence": function () { sentence(1); },
    "prev-paragraph": function () { paragraph(-1); },
    "next-paragraph": function () { paragraph(1); },
    "slower": function () { stepRate(-1); },
    "faster": function () { stepRate(1); }
  };
  // Shortcuts are a modifier plus a letter (Alt+Shift by default, or Ctrl+Alt: the reader's
  // choice, as in Able Player), never a bare letter: NVDA's and JAWS's browse mode keep
  // single letters for moving through the page, and pass these on. Keys by position
  // (KeyboardEvent.code), so Option on a Mac or a Vietnamese input method does not turn
  // them into other characters. Y U · O P: paragraph and sentence back / forward.
  var KEYS = {"KeyK": "toggle", "KeyJ": "back", "KeyL": "forward", "KeyU": "prev-sentence",
    "KeyO": "next-sentence", "KeyY": "prev-paragraph", "KeyP": "next-paragraph", "KeyC": "slower",
    "KeyN": "faster"};
  var MODIFIERS = {"alt-shift": {alt: true, shift: true, ctrl: false, aria: "Alt+Shift", shown: "Alt+Shift"},
    "ctrl-alt": {alt: true, shift: false, ctrl: true, aria: "Control+Alt", shown: "Ctrl+Alt"}};
  function modifier() {
    var choice = el("[data-shortcut-mod]");
    return MODIFIERS[choice ? choice.value : ""] || MODIFIERS["alt-shift"];
  }

  // Only the reading page has the shortcut list and its on/off switch; the embed has neither,
  // so there no shortcut is ever active (a portal's own keys and the screen reader's win).
  function shortcutsOn() {
    var box = el("[data-shortcuts-toggle]");
    return !!box && box.checked;
  }
  // Each button carries its own key (aria-keyshortcuts); the hint saying how to use them
  // (and how to pass them through NVDA's and JAWS's browse mode) describes the group once.
  var KEY_OF = {"toggle": "K", "back": "J", "forward": "L", "prev-sentence": "U", "next-sentence": "O",
    "prev-paragraph": "Y", "next-paragraph": "P"};
  function showShortcutState() {
    var on = shortcutsOn(), group = el("[data-controls]"), mod = modifier();
    section.querySelectorAll("[data-act], [data-bar-act]").forEach(function (b) {
      var key = KEY_OF[b.dataset.act || b.dataset.barAct];
      if (on && key) { b.setAttribute("aria-keyshortcuts", mod.aria + "+" + key); } else { b.removeAttribute("aria-keyshortcuts"); }
    });
    // The speed boxes name their two keys too (slower, faster), or a screen reader never
    // hears of C and N outside the shortcut table.
    section.querySelectorAll("[data-rate], [data-bar-rate]").forEach(function (s) {
      if (on) { s.setAttribute("aria-keyshortcuts", mod.aria + "+C " + mod.aria + "+N"); } else { s.removeAttribute("aria-keyshortcuts"); }
    });
    section.querySelectorAll("[data-mod-name]").forEach(function (n) { n.textContent = mod.shown; });
    if (group && el("#goi-y-phim-tat")) {
      if (on) { group.setAttribute("aria-describedby", "goi-y-phim-tat"); } else { group.removeAttribute("aria-describedby"); }
    }
  }
  section.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-act], [data-bar-act]");
    if (btn && audio) { act(btn.dataset.act || btn.dataset.barAct); }
  });
  // A control the reader used: the voice goes where they sent it, so the page follows now.
  function act(name) {
    ACTIONS[name]();
    manualUntil = 0;
    follow(true);
  }
  section.addEventListener("change", function (ev) {
    if (ev.target.matches("[data-rate], [data-bar-rate]") && audio) { applyRate(ev.target.value); }
    if (ev.target.matches("[data-follow]")) {
      prefs.set("follow", ev.target.checked ? "on" : "off");
      if (ev.target.checked) { manualUntil = 0; follow(true); }
    }
    if (ev.target.matches("[data-shortcuts-toggle]")) {
      store.set("bantin_shortcuts", ev.target.checked ? "on" : "off");
      showShortcutState();
      announce(ev.target.checked ? "Đã bật phím tắt." : "Đã tắt phím tắt.");
    }
    if (ev.target.matches("[data-shortcut-mod]")) {
      store.set("bantin_shortcut_mod", ev.target.value);
      showShortcutState();
      announce("Phím tắt dùng " + modifier().shown + " cùng một chữ cái.");
    }
  });
  // With their modifier, shortcuts work anywhere on the reading page (from a sentence, the
  // toolbar, the player), except while typing in a field; a bare letter does nothing.
  document.addEventListener("keydown", function (ev) {
    var mod = modifier();
    if (!audio || !shortcutsOn() || ev.metaKey || ev.altKey !== mod.alt || ev.shiftKey !== mod.shift ||
        ev.ctrlKey !== mod.ctrl) { return; }
    if (ev.target.closest && ev.target.closest("textarea, input[type=text], input:not([type]), [contenteditable]")) { return; }
    var name = KEYS[ev.code];
    if (!name) { return; }
    ev.preventDefault();
    act(name);
  });

  // ---- Follow the voice: auto-scroll and the compact bar -------------------------------
  // The page scrolls only when the sentence being read leaves the window (or would sit under
  // the bar), instantly under prefers-reduced-motion; not for a few seconds after the
  // reader scrolls by hand (wheel, touch, scroll keys, the scrollbar); never moving focus
  // (scrolling does not). Scrolling that focus causes (Tab) is not "by hand".
  var MANUAL_PAUSE = 5000, manualUntil = 0, bar = null, barH = 0, OUTLINE_ROOM = 6;
  var mainInView = true, observer = null;
  var reduced = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  function followOn() { var box = el("[data-follow]"); return !!box && box.checked; }
  // Space kept free at the bottom: the bar's height while it shows (and, while playing,
  // as soon as the player is out of view, since the bar is about to show).
  function reserved() {
    if (!bar) { return 0; }
    if (!bar.hidden) { barH = bar.getBoundingClientRect().height; return barH; }
    return mainInView ? 0 : barH || 64;
  }
  function follow(now) {
    if (!current || !audio || !followOn() || (audio.paused && !now) || Date.now() < manualUntil) { return; }
    var r = current.getBoundingClientRect();
    if (!r.height) { return; }  // not shown (a closed <details>)
    // Above the bar, room for the sentence's outline (drawn outside it) and a little air:
    // flush against the bar, the outline's lower edge went under it.
    var barSpace = reserved(), gap = barSpace ? OUTLINE_ROOM : 0;
    var top = 0, bottom = window.innerHeight - barSpace - gap, band = bottom - top;
    if (band <= 0) { return; }
    var lead = Math.min(band * 0.2, 120), y;
    if (r.height <= band) {
      if (r.top >= top && r.bottom <= bottom) { return; }
      y = r.top - (top + Math.min(lead, band - r.height));
    } else {
      // Taller than the window (400 % zoom): follow the point the voice has reached,
      // estimated from the sentence's time span.
      var s0 = start(current), s1 = parseFloat(current.dataset.end) || s0 + 1;
      var f = Math.max(0, Math.min(1, (audio.currentTime - s0) / Math.max(0.1, s1 - s0)));
      var at = r.top + f * r.height;
      if (r.bottom > top && r.top < bottom && at >= top && at <= bottom - lead / 2) { return; }
      y = at - (top + lead / 2);
    }
    if (Math.abs(y) < 1) { return; }
    window.scrollBy({top: y, left: 0, behavior: reduced && reduced.matches ? "instant" : "smooth"});
  }
  function byHand() { manualUntil = Date.now() + MANUAL_PAUSE; }
  window.addEventListener("wheel", byHand, {passive: true});
  window.addEventListener("touchmove", byHand, {passive: true});
  // The scrollbar dragged (a press on the page's own scroller, outside the content).
  document.addEventListener("pointerdown", function (ev) {
    if (ev.target === document.documentElement) { byHand(); }
  });
  document.addEventListener("keydown", function (ev) {
    if (/^(PageUp|PageDown|Home|End|ArrowUp|ArrowDown| )$/.test(ev.key) && ev.target.closest &&
        !ev.target.closest("input, select, textarea, button, summary, a, .s, [contenteditable]")) { byHand(); }
  });
  function showBar() {
    if (!bar) { return; }
    var show = !mainInView && !!audio;
    // Never hide the bar under the reader's focus: it hides once focus leaves it.
    if (!show && bar.contains(document.activeElement)) { return; }
    if (bar.hidden === !show) { return; }
    bar.hidden = !show;
    document.documentElement.classList.toggle("has-bar", show);
    if (show) { measureBar(); follow(); }
  }
  function measureBar() {
    if (!bar || bar.hidden) { return; }
    barH = bar.getBoundingClientRect().height;
    document.documentElement.style.setProperty("--bar-h", Math.ceil(barH) + "px");
  }
  function setupBar() {
    bar = el("[data-bar]");
    var row = el("[data-controls] .controls-row");
    if (observer) { observer.disconnect(); observer = null; }
    if (!bar || !row || !window.IntersectionObserver) { return; }
    // The main player counts as in view only while its Play row is wholly on screen.
    observer = new IntersectionObserver(function (entries) {
      var e = entries[entries.length - 1];
      mainInView = e.isIntersecting && e.intersectionRatio > 0.98;
      showBar();
    }, {threshold: [0, 0.5, 0.99, 1]});
    observer.observe(row);
    if (!bar.bantinBound) {
      bar.bantinBound = true;
      bar.addEventListener("focusout", function () { setTimeout(showBar, 0); });
      if (window.ResizeObserver) { new ResizeObserver(measureBar).observe(bar); }
    }
  }

  // Run at load and again after every swap: each <audio> element and the slider get their
  // listeners once (a swap puts in a fresh <audio>, so none pile up on the old one).
  function initPlayer() {
    audio = document.getElementById("audio");
    collectSpans();
    if (!audio) { return; }
    audio.removeAttribute("controls");
    audio.hidden = true;
    unhide("[data-controls]");
    unhide("[data-shortcuts]");
    var box = el("[data-shortcuts-toggle]");
    if (box) { box.checked = store.get("bantin_shortcuts") !== "off"; }
    var mod = el("[data-shortcut-mod]");
    if (mod && MODIFIERS[store.get("bantin_shortcut_mod")]) { mod.value = store.get("bantin_shortcut_mod"); }
    showShortcutState();
    applyRate(store.get("bantin_rate") || "1");
    var follows = el("[data-follow]");
    if (follows) { follows.checked = prefs.get("follow") !== "off"; }
    setupBar();
    if (!audio.bantinBound) {
      audio.bantinBound = true;
      audio.addEventListener("timeupdate", function () { setCurrent(spanAt(audio.currentTime)); showTime(); follow(); });
      audio.addEventListener("seeked", function () { setCurrent(spanAt(audio.currentTime)); showTime(true); follow(); });
      audio.addEventListener("play", function () { follow(true); });
      ["play", "pause", "ended"].forEach(function (name) { audio.addEventListener(name, showPlaying); });
      audio.addEventListener("ended", sayEnded);
      audio.addEventListener("loadedmetadata", function () { applyRate(store.get("bantin_rate") || "1"); showTime(); });
    }
    bindTimeline();
    showTime();
    showPlaying();
    mediaSession();
  }

  // Media Session: the bulletin's title and the station on a phone's lock screen and in
  // the notification, and its buttons (and a headset's): play, pause, 10 s back and
  // forward, previous and next sentence.
  function mediaSession() {
    var ms = navigator.mediaSession;
    if (!ms || typeof window.MediaMetadata === "undefined" || !audio) { return; }
    var h1 = document.getElementById("tieu-de");
    var station = document.querySelector("meta[name='bantin:station']");
    ms.metadata = new window.MediaMetadata({
      title: ((h1 && h1.textContent) || document.title).replace(/\s+/g, " ").trim(),
      artist: station ? station.content : "bantin",
      album: "Bản tin nghe được"
    });
    var actions = {play: function () { playNow(); }, pause: function () { audio.pause(); },
                   seekbackward: ACTIONS.back, seekforward: ACTIONS.forward,
                   previoustrack: ACTIONS["prev-sentence"], nexttrack: ACTIONS["next-sentence"]};
    Object.keys(actions).forEach(function (name) {
      try { ms.setActionHandler(name, actions[name]); } catch (e) { /* not offered here */ }
    });
  }
  initPlayer();

  // ---- Status while the audio is being made -----------------------------------------------
  // Polls a small JSON status; swaps in the player (first part, then the whole) without a
  // reload and without fetching the page again: the player markup is already here (in a
  // <template> while nothing was playable) and the JSON has the files, cues and downloads.
  // Keeps the position and focus. Announces state changes, not every tick.
  if (section.dataset.ready === "true" || !/^(queued|synthesizing)$/.test(section.dataset.status)) { return; }
  var lastStatus = section.dataset.status, lastFirst = section.dataset.first || "", lastQuarter = 0;
  var pending = null;  // {t, playing} to restore once the swapped-in file's metadata is in
  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }
  function showStatus(s, final) {
    var text = el("[data-status-text]"), bar = el("[data-progress]");
    if (text) { text.textContent = s.text; }
    if (bar && final) { bar.remove(); } else if (bar) { bar.value = s.percent; bar.textContent = s.percent + "%"; }
    section.dataset.status = s.status;
  }
  // Each sentence's place in the audio now playing; a sentence without a cue is not seekable.
  function setCues(cues) {
    var at = {};
    (cues || []).forEach(function (c) { at[String(c.i)] = c; });
    document.querySelectorAll(".s[data-i]").forEach(function (span) {
      var c = at[span.dataset.i];
      if (c && c.start != null && c.end != null) {
        span.dataset.start = Number(c.start).toFixed(3);
        span.dataset.end = Number(c.end).toFixed(3);
        return;
      }
      delete span.dataset.start;
      delete span.dataset.end;
      span.removeAttribute("tabindex");
      if (span === current) { setCurrent(null); }
    });
  }
  // The download links, in the template's markup.
  function setDownloads(list) {
    var box = el("[data-downloads]");
    if (!box) { return; }
    box.textContent = "";
    if (!list || !list.length) { return; }
    var ul = make("ul", {"class": "downloads", "aria-labelledby": "tai-ve"});
    list.forEach(function (d) {
      // A profile still being made (or given up) is listed with its state, not a link.
      var item = d.url ? make("a", {"href": d.url, "download": ""}, d.label + (d.size ? ", " + d.size : ""))
        : make("span", {"class": "download-state", "data-state": d.state}, d.label + ": " + d.note);
      ul.appendChild(make("li")).appendChild(item);
    });
    box.appendChild(make("h3", {"class": "downloads-title", "id": "tai-ve"}, "Tải về"));
    box.appendChild(ul);
  }
  // A fresh <audio> with the new files (same attributes, no listeners, nothing buffered).
  function setAudio(s, final, src) {
    var old = document.getElementById("audio");
    var fresh = old.cloneNode(false);
    if (final && s.audio.ogg) { fresh.appendChild(make("source", {"src": s.audio.ogg, "type": "audio/ogg; codecs=opus"})); }
    fresh.appendChild(make("source", {"src": src, "type": "audio/mpeg"}));
    if (final && s.captions) {
      fresh.appendChild(make("track", {"kind": "captions", "srclang": "vi", "label": "Tiếng Việt", "src": s.captions}));
    }
    fresh.appendChild(document.createTextNode("Trình duyệt không phát được âm thanh. "));
    fresh.appendChild(make("a", {"href": src, "data-fallback": ""}, "Tải tệp MP3"));
    fresh.appendChild(document.createTextNode("."));
    if (final) { fresh.removeAttribute("data-part"); } else { fresh.dataset.part = "first"; }
    fresh.dataset.duration = Number(s.duration || 0).toFixed(3);
    old.pause();
    old.parentNode.replaceChild(fresh, old);
    while (old.firstChild) { old.removeChild(old.firstChild); }
    old.removeAttribute("src");
    old.load();  // stop the old one's download
  }
  function swapIn(s, final) {
    var src = final ? (s.audio && s.audio.mp3) : s.first;
    showStatus(s, final);
    if (!src) { return; }
    var body = el("[data-player-body]");
    // A swap before the last one's file loaded keeps the place that one was to resume at.
    var was = pending || (audio ? {t: audio.currentTime, playing: !audio.paused} : null);
    var hadFocus = body.contains(document.activeElement);
    var tpl = body.querySelector("template[data-player-template]");
    if (tpl) { body.replaceChild(document.importNode(tpl.content, true), tpl); }
    setAudio(s, final, src);
    var note = el("[data-part-note]");
    if (note) { note.hidden = !!final; }
    var slider = el("[data-seek]");
    if (slider) { slider.max = String(Math.max(1, Math.ceil(s.duration || 0))); }
    setDownloads(s.downloads);
    setCues(s.cues);
    section.dataset.ready = final ? "true" : "false";
    if (s.first) { section.dataset.first = s.first; } else { delete section.dataset.first; }
    initPlayer();
    pending = null;
    if (audio && was) {
      pending = was;
      audio.addEventListener("loadedmetadata", function () {
        pending = null;
        audio.currentTime = was.t;
        if (was.playing) { playNow(); }
      }, {once: true});
    }
    // Controls stay in place, so focus does too; if it was on something rebuilt (a download
    // link), it goes to the play button rather than to the page's start.
    if (hadFocus && !body.contains(document.activeElement) && el("[data-act=toggle]")) {
      el("[data-act=toggle]").focus();
    }
  }
  var timer = setInterval(function () {
    fetch("/bulletins/" + section.dataset.bulletin + "/status.json", {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.ready) {
          clearInterval(timer);
          swapIn(s, true);
          announce(s.text, true);
          return;
        }
        showStatus(s, false);
        var bar = el("[data-progress]");
        if (s.status === "failed") { clearInterval(timer); if (bar) { bar.remove(); } announce(s.text); return; }
        if (s.first && s.first !== lastFirst) {  // the first part, then a longer one
          var longer = !!lastFirst;
          lastFirst = s.first;
          swapIn(s, false);
          announce(longer ? "Đã có thêm phần tiếp theo của bản tin." :
            "Đã có phần đầu bản tin, có thể nghe ngay.", true);
          return;
        }
        var quarter = Math.floor(s.percent / 25);
        if (s.status !== lastStatus) { announce(s.text, true); }
        else if (quarter > lastQuarter && quarter < 4) { announce("Đã tạo " + quarter * 25 + " phần trăm âm thanh.", true); }
        lastStatus = s.status;
        lastQuarter = Math.max(lastQuarter, quarter);
      })
      .catch(function () { /* keep polling; the network may come back */ });
  }, 1500);
})();
