// Reading page: highlight the sentence being read, seek by sentence, poll status.
(function () {
  "use strict";
  var player = document.querySelector(".player[data-bulletin]");
  if (!player) { return; }
  var audio = document.getElementById("audio");
  var spans = Array.prototype.slice.call(document.querySelectorAll(".s[data-start]"));
  var current = null;

  function setCurrent(span) {
    if (span === current) { return; }
    if (current) { current.classList.remove("is-current"); current.removeAttribute("aria-current"); }
    current = span;
    if (span) { span.classList.add("is-current"); span.setAttribute("aria-current", "true"); }
  }
  function spanAt(t) {
    var found = null;
    for (var i = 0; i < spans.length; i++) {
      if (parseFloat(spans[i].dataset.start) <= t + 0.05) { found = spans[i]; } else { break; }
    }
    return found;
  }
  if (audio && spans.length) {
    audio.addEventListener("timeupdate", function () { setCurrent(spanAt(audio.currentTime)); });
    audio.addEventListener("seeked", function () { setCurrent(spanAt(audio.currentTime)); });
    spans.forEach(function (span) {
      span.addEventListener("click", function () {
        audio.currentTime = parseFloat(span.dataset.start);
        setCurrent(span);
        if (audio.paused) { audio.play(); }
      });
    });
  }
  var status = player.dataset.status;
  if (status === "queued" || status === "synthesizing") {
    var statusText = player.querySelector("[data-status-text]");
    var live = document.getElementById("thong-bao");
    var timer = setInterval(function () {
      fetch("/api/v1/bulletins/" + player.dataset.bulletin, {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.status === "ready" || data.status === "failed") {
            clearInterval(timer);
            if (live) { live.textContent = data.status === "ready" ? "Âm thanh đã sẵn sàng. Đang tải lại trang." : "Không tạo được âm thanh."; }
            if (data.status === "ready") { setTimeout(function () { window.location.reload(); }, 1200); }
            else if (statusText) { statusText.textContent = "Không tạo được âm thanh: " + (data.error || ""); }
          } else if (statusText && data.progress && data.progress.total) {
            statusText.textContent = "Đang tạo âm thanh: " + data.progress.done + "/" + data.progress.total + " câu.";
          }
        })
        .catch(function () {});
    }, 2000);
  }
})();
