// The day's bulletins in one player. The native <audio controls> is hidden and the
// Vietnamese controls (as on the reading page) drive the same element: Phát / Tạm dừng,
// 10 s back and forward, the previous and next bulletin in the list, the "Vị trí" slider
// (its aria-valuetext in words, following the voice), and the speed, kept across bulletins
// and shared with the reading page. "Nghe" plays one; with "Phát lần lượt" checked (the
// reader's choice, remembered), the end of one starts the next. The end of the last (or of
// one, when not going on) is said once in the page's polite status region.
(function () {
  "use strict";
  var box = document.querySelector("[data-playlist]");
  if (!box) { return; }
  var audio = box.querySelector("[data-playlist-audio]");
  var now = box.querySelector("[data-now]");
  var continuous = box.querySelector("[data-continuous]");
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-playlist-items] > li"));
  var live = document.getElementById("thong-bao");
  var words = window.bantinPlayer.words, clock = window.bantinPlayer.clock;
  var RATES = ["0.75", "1", "1.25", "1.5", "1.75", "2"];
  var at = 0;
  function el(sel) { return box.querySelector(sel); }
  function get(k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } }
  function put(k, v) { try { window.localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  continuous.checked = get("bantin_continuous") === "on";
  continuous.addEventListener("change", function () { put("bantin_continuous", continuous.checked ? "on" : "off"); });

  function playNow() {
    var p = audio.play();
    if (p && p.catch) {
      p.catch(function (err) {  // a refusal only; an interrupted play() is no news
        if (live && err && err.name === "NotAllowedError") { live.textContent = "Trình duyệt chưa cho phát. Hãy nhấn nút Phát."; }
      });
    }
  }
  function duration() {
    return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : parseFloat(items[at].dataset.duration) || 0;
  }
  // The slider always shows where the audio is, focused or not. Its aria-valuetext changes
  // at most every SPOKEN_EVERY ms while it is focused and the audio plays (a focused slider
  // is not read out every second); a key, a seek, a pause or another bulletin updates it at once.
  var SPOKEN_EVERY = 5000, spokenAt = 0, dragging = false;
  var slider = el("[data-seek]"), time = el("[data-time]"), rate = el("[data-rate]");
  function showTime(now) {
    var d = duration(), t = audio.currentTime;
    time.textContent = clock(t) + " / " + clock(Math.round(d));  // the total as words say it
    if (dragging) { return; }
    slider.max = String(Math.max(1, Math.ceil(d)));
    slider.value = String(Math.floor(t));
    var focused = document.activeElement === slider, stamp = Date.now();
    if (!focused || now || audio.paused || stamp - spokenAt >= SPOKEN_EVERY) {
      slider.setAttribute("aria-valuetext", words(t) + " trên " + words(d));
      if (focused) { spokenAt = stamp; }
    }
  }
  function showPlaying() {
    var btn = el("[data-act=toggle]");
    btn.querySelector("[data-label]").textContent = audio.paused ? "Phát" : "Tạm dừng";
    // A CSS-drawn icon (site.css): the ⏸ glyph is a box in Debian Chromium's fonts.
    btn.querySelector("[data-icon]").setAttribute("data-icon", audio.paused ? "play" : "pause");
  }
  // At the ends of the list, "Bản tin trước" / "Bản tin sau" are unavailable but keep focus
  // (aria-disabled, not disabled: a button pressed into the end would drop focus to the page).
  function showEnds() {
    [["prev-item", at === 0], ["next-item", at + 1 >= items.length]].forEach(function (pair) {
      var btn = el("[data-act=" + pair[0] + "]");
      if (pair[1]) { btn.setAttribute("aria-disabled", "true"); } else { btn.removeAttribute("aria-disabled"); }
    });
  }
  function applyRate(value) {
    if (RATES.indexOf(value) < 0) { value = "1"; }
    audio.preservesPitch = true;
    audio.mozPreservesPitch = true;
    audio.webkitPreservesPitch = true;
    audio.playbackRate = parseFloat(value);
    audio.defaultPlaybackRate = parseFloat(value);
    rate.value = value;
    put("bantin_rate", value);
  }
  function seekTo(t) {
    var end = duration() || t;
    audio.currentTime = Math.max(0, Math.min(t, end));
    showTime(true);
  }
  function choose(i, play) {
    at = i;
    items.forEach(function (li, k) {
      if (k === i) { li.setAttribute("aria-current", "true"); } else { li.removeAttribute("aria-current"); }
    });
    now.textContent = items[i].dataset.title;
    if (audio.getAttribute("src") !== items[i].dataset.audio) { audio.src = items[i].dataset.audio; }
    showEnds();
    showTime(true);
    showPlaying();
    mediaSession();
    if (play) { playNow(); }
  }
  function step(dir) {
    var to = at + dir;
    if (to < 0 || to >= items.length) { return; }
    choose(to, !audio.paused);  // playing goes on playing; paused stays paused
  }
  var ACTIONS = {
    "toggle": function () { if (audio.paused) { playNow(); } else { audio.pause(); } },
    "back": function () { seekTo(audio.currentTime - 10); },
    "forward": function () { seekTo(audio.currentTime + 10); },
    "prev-item": function () { step(-1); },
    "next-item": function () { step(1); }
  };

  items.forEach(function (li, i) {
    var btn = li.querySelector("[data-play-item]");
    btn.hidden = false;
    btn.addEventListener("click", function () { choose(i, true); });
  });
  var all = el("[data-play-all]");
  el("[data-playlist-actions]").hidden = false;
  all.addEventListener("click", function () {
    continuous.checked = true;
    put("bantin_continuous", "on");
    choose(0, true);
  });

  box.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-act]");
    if (btn && btn.getAttribute("aria-disabled") !== "true") { ACTIONS[btn.dataset.act](); }
  });
  slider.addEventListener("input", function () {
    var t = parseFloat(slider.value);
    slider.setAttribute("aria-valuetext", words(t) + " trên " + words(duration()));
    seekTo(t);
  });
  // The slider's keys step from where the audio is, not from a stale value.
  slider.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.altKey || ev.metaKey) { return; }
    var t = audio.currentTime, d = duration();
    var to = {"ArrowRight": t + 1, "ArrowUp": t + 1, "ArrowLeft": t - 1, "ArrowDown": t - 1,
      "PageUp": t + 10, "PageDown": t - 10, "Home": 0, "End": d}[ev.key];
    if (to === undefined) { return; }
    ev.preventDefault();
    seekTo(to);
  });
  slider.addEventListener("blur", function () { showTime(true); });
  slider.addEventListener("pointerdown", function () { dragging = true; });
  slider.addEventListener("pointerup", function () { dragging = false; showTime(true); });
  slider.addEventListener("pointercancel", function () { dragging = false; });
  rate.addEventListener("change", function () { applyRate(rate.value); });

  audio.addEventListener("timeupdate", function () { showTime(); });
  audio.addEventListener("seeked", function () { showTime(true); });
  ["play", "pause", "ended"].forEach(function (name) { audio.addEventListener(name, showPlaying); });
  // A new source starts at its default rate: the reader's speed goes on to the next bulletin.
  audio.addEventListener("loadedmetadata", function () { applyRate(get("bantin_rate") || "1"); showTime(true); });
  audio.addEventListener("ended", function () {
    if (continuous.checked && at + 1 < items.length) { choose(at + 1, true); return; }
    if (live) {
      var last = box.dataset.today === "true" ? "Đã nghe hết các bản tin hôm nay." : "Đã nghe hết các bản tin trong ngày.";
      live.textContent = "";
      setTimeout(function () { live.textContent = at + 1 < items.length ? "Đã đọc hết bản tin." : last; }, 50);
    }
  });

  // Media Session: the bulletin's title on a phone's lock screen, and its buttons (and a
  // headset's): play, pause, 10 s back and forward, the previous and next bulletin.
  function mediaSession() {
    var ms = navigator.mediaSession;
    if (!ms || typeof window.MediaMetadata === "undefined") { return; }
    var station = document.querySelector("meta[name='bantin:station']");
    ms.metadata = new window.MediaMetadata({title: items[at].dataset.title,
      artist: station ? station.content : "bantin", album: "Bản tin nghe được"});
  }
  if (navigator.mediaSession) {
    var handlers = {play: playNow, pause: function () { audio.pause(); }, seekbackward: ACTIONS.back,
      seekforward: ACTIONS.forward, previoustrack: ACTIONS["prev-item"], nexttrack: ACTIONS["next-item"]};
    Object.keys(handlers).forEach(function (name) {
      try { navigator.mediaSession.setActionHandler(name, handlers[name]); } catch (e) { /* not offered here */ }
    });
  }

  // The Vietnamese controls replace the browser's own.
  audio.removeAttribute("controls");
  audio.hidden = true;
  el("[data-controls]").hidden = false;
  applyRate(get("bantin_rate") || "1");
  showEnds();
  showTime(true);
  showPlaying();
  mediaSession();
})();
