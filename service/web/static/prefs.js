// Reader preferences without a page reload. The server reads the same cookies, and the
// toolbar is a plain GET form, so everything here also works (with a reload) without JS.
(function () {
  "use strict";
  var SIZES = [100, 125, 150, 175, 200, 250];
  var root = document.documentElement;
  function setCookie(name, value) {
    document.cookie = "bantin_" + name + "=" + value + ";path=/;max-age=31536000;samesite=lax";
  }
  function getCookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )bantin_" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : null;
  }
  // The reader's other choices (reader.js: "Tự cuộn theo giọng đọc"; words.js: "Tô sáng
  // từng từ") are kept the same way.
  window.bantinPrefs = {get: getCookie, set: setCookie};
  function currentSize() {
    return parseInt(root.getAttribute("data-size"), 10) || 100;
  }
  document.querySelectorAll("form[data-prefs]").forEach(function (form) {
    var status = form.querySelector("[data-prefs-status]");
    // The status region is polite and visible: one short sentence per change.
    function announce(extra) {
      status.textContent = "Cỡ chữ: " + currentSize() + "%." + (extra ? " " + extra : "");
    }
    form.addEventListener("click", function (ev) {
      var btn = ev.target.closest("button");
      if (!btn) { return; }
      ev.preventDefault();
      if (btn.dataset.step) {
        var i = SIZES.indexOf(currentSize()); if (i < 0) { i = 0; }
        var size = btn.dataset.step === "up" ? SIZES[Math.min(SIZES.length - 1, i + 1)]
          : btn.dataset.step === "down" ? SIZES[Math.max(0, i - 1)] : 100;
        var same = size === currentSize();
        root.setAttribute("data-size", String(size));
        setCookie("size", size);
        form.querySelector("input[name=size]").value = size;
        announce(same ? (btn.dataset.step === "up" ? "Đã lớn nhất." : btn.dataset.step === "down" ? "Đã nhỏ nhất." : "") : "");
      } else if (btn.dataset.pref) {
        var name = btn.dataset.pref, value = btn.value;
        root.setAttribute("data-" + name, value);
        setCookie(name, value);
        if (name === "spacing") {
          btn.value = value === "wide" ? "normal" : "wide";
          btn.textContent = value === "wide" ? "Giãn dòng bình thường" : "Giãn dòng rộng";
          announce(value === "wide" ? "Đã giãn dòng rộng." : "Đã giãn dòng bình thường.");
        } else {
          btn.value = value === "contrast" ? "default" : "contrast";
          btn.textContent = value === "contrast" ? "Màu mặc định" : "Tương phản cao";
          announce(value === "contrast" ? "Đã bật tương phản cao." : "Đã dùng màu mặc định.");
        }
      }
    });
  });
})();
