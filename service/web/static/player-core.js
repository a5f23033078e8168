// What both players (reader.js on the reading page and the embed, playlist.js on the day's
// list) say and show the same way: a time in words for the slider's aria-valuetext
// ("1 phút 5 giây"), the clock text beside it ("1:05"), the "Vị trí" slider's behaviour
// (seekSlider), the Phát / Tạm dừng button's label and icon (showPlaying) and the speed
// (RATES, setRate). Loaded before either of them.
(function () {
  "use strict";
  function words(t) {
    t = Math.max(0, Math.round(t || 0));
    var h = Math.floor(t / 3600), m = Math.floor(t % 3600 / 60), s = t % 60, out = [];
    if (h) { out.push(h + " giờ"); }
    if (m) { out.push(m + " phút"); }
    if (s || !out.length) { out.push(s + " giây"); }
    return out.join(" ");
  }
  function clock(t) {
    t = Math.max(0, Math.floor(t || 0));
    var m = Math.floor(t / 60), s = t % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function spoken(t, d) { return words(t) + " trên " + words(d); }  // "1 phút 5 giây trên 4 phút 41 giây"

  // The slider always shows where the audio is, focused or not. Its aria-valuetext (what a
  // screen reader says) changes at most every SPOKEN_EVERY ms while it is focused and the
  // audio plays, so a focused slider is not read out every second; show(true) (a key, a
  // seek, a pause, leaving the slider) updates it at once. While the pointer drags the
  // thumb, only the clock text follows the audio.
  var SPOKEN_EVERY = 5000;
  // seekSlider(o) binds the slider's listeners once and returns {show: function (now)}.
  //   o.audio():    the <audio> now playing (a function: the reading page swaps the element);
  //                 nothing happens while it returns null.
  //   o.slider:     the <input type=range>, or null (then show() updates the clock text only).
  //   o.duration(): the length in seconds (the element's, or the page's while it has none).
  //   o.seek(t):    move the audio to t seconds (the page clamps it and does its own extras).
  //   o.times():    the elements showing "m:ss / m:ss" (a list or NodeList).
  // The slider's keys step from where the audio is, not from a stale value: the arrows 1 s,
  // PageUp / PageDown 10 s, Home and End to either end.
  function seekSlider(o) {
    var slider = o.slider, spokenAt = 0, dragging = false;
    function show(now) {
      var audio = o.audio();
      if (!audio) { return; }
      var d = o.duration(), t = audio.currentTime;
      Array.prototype.forEach.call(o.times(), function (time) {
        time.textContent = clock(t) + " / " + clock(Math.round(d));  // the total as words say it
      });
      if (!slider || dragging) { return; }
      slider.max = String(Math.max(1, Math.ceil(d)));
      slider.value = String(Math.floor(t));
      var focused = document.activeElement === slider, stamp = Date.now();
      if (!focused || now || audio.paused || stamp - spokenAt >= SPOKEN_EVERY) {
        slider.setAttribute("aria-valuetext", spoken(t, d));
        if (focused) { spokenAt = stamp; }
      }
    }
    if (slider) {
      slider.addEventListener("input", function () {
        if (!o.audio()) { return; }
        var t = parseFloat(slider.value);
        slider.setAttribute("aria-valuetext", spoken(t, o.duration()));
        o.seek(t);
      });
      slider.addEventListener("keydown", function (ev) {
        var audio = o.audio();
        if (!audio || ev.ctrlKey || ev.altKey || ev.metaKey) { return; }
        var t = audio.currentTime, d = o.duration();
        var to = {"ArrowRight": t + 1, "ArrowUp": t + 1, "ArrowLeft": t - 1, "ArrowDown": t - 1,
          "PageUp": t + 10, "PageDown": t - 10, "Home": 0, "End": d}[ev.key];
        if (to === undefined) { return; }
        ev.preventDefault();
        o.seek(to);
        show(true);
      });
      slider.addEventListener("blur", function () { show(true); });
      slider.addEventListener("pointerdown", function () { dragging = true; });
      slider.addEventListener("pointerup", function () { dragging = false; show(true); });
      slider.addEventListener("pointercancel", function () { dragging = false; });
    }
    return {show: show};
  }

  // The speeds offered; setRate(audio, value) plays at one of them (an unknown value is 1),
  // the voice's pitch kept, also for the next source; it returns the value applied.
  var RATES = ["0.75", "1", "1.25", "1.5", "1.75", "2"];
  function setRate(audio, value) {
    if (RATES.indexOf(value) < 0) { value = "1"; }
    audio.preservesPitch = true;
    audio.mozPreservesPitch = true;
    audio.webkitPreservesPitch = true;
    audio.playbackRate = parseFloat(value);
    audio.defaultPlaybackRate = parseFloat(value);
    return value;
  }

  // The Phát / Tạm dừng buttons (each with [data-label] and [data-icon]) as the audio is.
  function showPlaying(buttons, paused) {
    Array.prototype.forEach.call(buttons, function (btn) {
      btn.querySelector("[data-label]").textContent = paused ? "Phát" : "Tạm dừng";
      // A CSS-drawn icon (site.css): the ⏸ glyph is a box in Debian Chromium's fonts.
      btn.querySelector("[data-icon]").setAttribute("data-icon", paused ? "play" : "pause");
    });
  }
  window.bantinPlayer = {words: words, clock: clock, seekSlider: seekSlider, showPlaying: showPlaying,
    RATES: RATES, setRate: setRate};
})();
