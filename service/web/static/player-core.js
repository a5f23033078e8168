// What both players (reader.js on the reading page and the embed, playlist.js on the day's
// list) say and show the same way: a time in words for the slider's aria-valuetext
// ("1 phút 5 giây"), and the clock text beside it ("1:05"). Loaded before either of them.
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
  window.bantinPlayer = {words: words, clock: clock};
})();
