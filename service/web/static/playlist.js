// Today's bulletins in one player: "Nghe" plays one; with "Phát lần lượt" checked (the
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
  var at = 0;
  function store(v) { try { window.localStorage.setItem("bantin_continuous", v); } catch (e) { /* private */ } }
  function stored() { try { return window.localStorage.getItem("bantin_continuous"); } catch (e) { return null; } }
  continuous.checked = stored() === "on";
  continuous.addEventListener("change", function () { store(continuous.checked ? "on" : "off"); });
  function choose(i, play) {
    at = i;
    items.forEach(function (li, k) {
      if (k === i) { li.setAttribute("aria-current", "true"); } else { li.removeAttribute("aria-current"); }
    });
    now.textContent = items[i].dataset.title;
    if (audio.getAttribute("src") !== items[i].dataset.audio) { audio.src = items[i].dataset.audio; }
    if (play) {
      var p = audio.play();
      if (p && p.catch) {
        p.catch(function (err) {  // a refusal only; an interrupted play() is no news
          if (live && err && err.name === "NotAllowedError") { live.textContent = "Trình duyệt chưa cho phát. Hãy nhấn nút Phát."; }
        });
      }
    }
  }
  items.forEach(function (li, i) {
    var btn = li.querySelector("[data-play-item]");
    btn.hidden = false;
    btn.addEventListener("click", function () { choose(i, true); });
  });
  var all = box.querySelector("[data-play-all]");
  box.querySelector("[data-playlist-actions]").hidden = false;
  all.addEventListener("click", function () {
    continuous.checked = true;
    store("on");
    choose(0, true);
  });
  audio.addEventListener("ended", function () {
    if (continuous.checked && at + 1 < items.length) { choose(at + 1, true); return; }
    if (live) {
      live.textContent = "";
      setTimeout(function () {
        live.textContent = at + 1 < items.length ? "Đã đọc hết bản tin." : "Đã nghe hết các bản tin hôm nay.";
      }, 50);
    }
  });
})();
