// The embed inside a portal's page: tells the parent how tall it is, and changes its text
// size without a reload.
// Height: posted as {type: "bantin:height", id, height} whenever it changes (load, the
// iframe's width, the text size, the text opened or closed); the snippet beside the
// iframe sets the iframe's height from it, checking the message's origin and source.
// The message says nothing private (a number and the frame's id), so it goes to any
// parent ("*"): the embed cannot know which portal framed it.
(function () {
  "use strict";
  var SIZES = [100, 125, 150, 175, 200, 250];
  var root = document.documentElement;
  var frame = document.body.getAttribute("data-frame") || "";
  var last = -1;

  function height() { return Math.ceil(root.getBoundingClientRect().height); }
  function post() {
    if (window.parent === window) { return; }
    var h = height();
    if (h === last || h <= 0) { return; }
    last = h;
    window.parent.postMessage({type: "bantin:height", id: frame, height: h}, "*");
  }
  window.addEventListener("load", post);
  window.addEventListener("resize", post);
  document.addEventListener("toggle", post, true);  // <details> opened or closed
  if (window.ResizeObserver) { new ResizeObserver(post).observe(root); }
  post();

  // Text size: the same steps as the reading page, kept in this embed's form (and URL
  // on a reload without JavaScript), never in a cookie.
  var form = document.querySelector("form[data-embed-size]");
  if (!form) { return; }
  var status = form.querySelector("[data-embed-size-status]");
  form.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[data-step]");
    if (!btn) { return; }
    ev.preventDefault();
    var now = parseInt(root.getAttribute("data-size"), 10) || 100;
    var i = Math.max(0, SIZES.indexOf(now));
    var size = btn.dataset.step === "up" ? SIZES[Math.min(SIZES.length - 1, i + 1)] : SIZES[Math.max(0, i - 1)];
    root.setAttribute("data-size", String(size));
    form.querySelector("input[name=size]").value = String(size);
    var edge = size === now ? (btn.dataset.step === "up" ? " Đã lớn nhất." : " Đã nhỏ nhất.") : "";
    status.textContent = "Cỡ chữ: " + size + "%." + edge;
    post();
  });
})();
