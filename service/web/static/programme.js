// A programme page: each chapter link seeks the programme's audio to that chapter's start
// and plays from there. Without this script the links still open the MP3 at that time
// (a media fragment, "#t=12.5") and the list still shows when each part starts.
(function () {
  "use strict";
  var section = document.querySelector("[data-programme-player]");
  var list = document.querySelector("[data-chapters]");
  if (!section || !list) { return; }
  var audio = section.querySelector("audio");
  var status = section.querySelector("[data-chapter-status]");
  var links = Array.prototype.slice.call(list.querySelectorAll("a[data-start]"));
  if (!audio || !links.length) { return; }

  function seek(link) {
    var start = parseFloat(link.getAttribute("data-start")) || 0;
    var go = function () {
      audio.currentTime = start;
      var playing = audio.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
    };
    // Before the metadata is in, a seek is lost: wait for it once.
    if (audio.readyState >= 1) { go(); }
    else {
      audio.addEventListener("loadedmetadata", go, { once: true });
      audio.load();
    }
    if (status) { status.textContent = "Đang phát từ phần: " + link.textContent.trim() + "."; }
  }

  function mark() {
    var now = audio.currentTime;
    var current = null;
    links.forEach(function (link) {
      if (parseFloat(link.getAttribute("data-start")) <= now + 0.05) { current = link; }
    });
    links.forEach(function (link) {
      if (link === current) { link.setAttribute("aria-current", "true"); }
      else { link.removeAttribute("aria-current"); }
    });
  }

  links.forEach(function (link) {
    link.setAttribute("aria-controls", audio.id);
    link.addEventListener("click", function (ev) {
      ev.preventDefault();
      seek(link);
      mark();
    });
  });
  audio.addEventListener("timeupdate", mark);
  audio.addEventListener("seeked", mark);
})();
