// Reader preferences without a page reload; the server reads the same cookies.
(function () {
  "use strict";
  var SIZES = [100, 125, 150, 175, 200, 250];
  var root = document.documentElement;
  var status = document.getElementById("thong-bao");
  function setCookie(name, value) {
    document.cookie = "bantin_" + name + "=" + value + ";path=/;max-age=31536000;samesite=lax";
  }
  function announce(text) { if (status) { status.textContent = ""; setTimeout(function () { status.textContent = text; }, 50); } }
  function currentSize() {
    var v = parseFloat(getComputedStyle(root).getPropertyValue("--text-scale")) || 1;
    return Math.round(v * 100);
  }
  document.querySelectorAll("form[data-prefs]").forEach(function (form) {
    form.addEventListener("click", function (ev) {
      var btn = ev.target.closest("button");
      if (!btn) { return; }
      ev.preventDefault();
      if (btn.dataset.step) {
        var i = SIZES.indexOf(currentSize()); if (i < 0) { i = 0; }
        var size = btn.dataset.step === "up" ? SIZES[Math.min(SIZES.length - 1, i + 1)]
          : btn.dataset.step === "down" ? SIZES[Math.max(0, i - 1)] : 100;
        root.style.setProperty("--text-scale", String(size / 100));
        setCookie("size", size);
        form.querySelectorAll("[data-size-label]").forEach(function (el) { el.textContent = size + "%"; });
        var hidden = form.querySelector("input[name=size]"); if (hidden) { hidden.value = size; }
        announce("Cỡ chữ " + size + " phần trăm");
      } else if (btn.dataset.pref) {
        var name = btn.dataset.pref, value = btn.value;
        root.setAttribute("data-" + name, value);
        setCookie(name, value);
        if (name === "spacing") {
          btn.value = value === "wide" ? "normal" : "wide";
          btn.textContent = value === "wide" ? "Giãn dòng bình thường" : "Giãn dòng rộng";
          announce(value === "wide" ? "Đã giãn dòng rộng" : "Đã giãn dòng bình thường");
        } else {
          btn.value = value === "contrast" ? "default" : "contrast";
          btn.textContent = value === "contrast" ? "Màu mặc định" : "Tương phản cao";
          announce(value === "contrast" ? "Đã bật tương phản cao" : "Đã dùng màu mặc định");
        }
      }
    });
  });
})();
