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
  var player = window.bantinPlayer;
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
  // The "Vị trí" slider and its clock text (player-core.js): a key, a seek, a pause or
  // another bulletin updates its aria-valuetext at once (showTime(true)).
  var rate = el("[data-rate]"), time = el("[data-time]");
  var timeline = player.seekSlider({audio: function () { return audio; }, slider: el("[data-seek]"),
    duration: duration, seek: seekTo, times: function () { return [time]; }});
  function showTime(now) { timeline.show(now); }
  function showPlaying() { player.showPlaying([el("[data-act=toggle]")], audio.paused); }
  // At the ends of the list, "Bản tin trước" / "Bản tin sau" are unavailable but keep focus
  // (aria-disabled, not disabled: a button pressed into the end would drop focus to the page).
  function showEnds() {
    [["prev-item", at === 0], ["next-item", at + 1 >= items.length]].forEach(function (pair) {
      var btn = el("[data-act=" + pair[0] + "]");
      if (pair[1]) { btn.setAttribute("aria-disabled", "true"); } else { btn.removeAttribute("aria-disabled"); }
    });
  }
  function applyRate(value) {
    value = player.setRate(audio, value);
    rate.value = value;
    put("bantin_rate", value);
  }
  function seekTo(t) {
    var end = duration() || t;
    audio.currentTime = Math.max(0, Math.min(t, end));
    showTime(true);
  }
  // Everything shown for the bulletin at `at` (at load and on each choice).
  function showAll() {
    showEnds();
    showTime(true);
    showPlaying();
    mediaSession();
  }
  function choose(i, play) {
    at = i;
    items.forEach(function (li, k) {
      if (k === i) { li.setAttribute("aria-current", "true"); } else { li.removeAttribute("aria-current"); }
    });
    now.textContent = items[i].dataset.title;
    if (audio.getAttribute("src") !== items[i].dataset.audio) { audio.src = items[i].dataset.audio; }
    showAll();
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
  showAll();
})();
