// Editor preview tools, per sentence: "Nghe thử" (hear it through the same engines and
// lexicon before submitting) and "Sửa cách đọc" (written → spoken, for this source or,
// for administrators, every source), after which the preview is made again.
(function () {
  "use strict";
  var form = document.querySelector("form[data-editor]");
  if (!form) { return; }
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var live = document.getElementById("thong-bao");
  var isAdmin = form.dataset.role === "admin";
  var counter = 0;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function announce(text) { if (live) { live.textContent = text; } }
  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin", body: JSON.stringify(body),
                       headers: {"Content-Type": "application/json", "Accept": "application/json",
                                 "X-CSRFToken": csrf}})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, status: r.status, data: d}; }); })
      .catch(function () { return {ok: false, status: 0, data: {error: {message: "Không kết nối được máy chủ."}}}; });
  }
  function errorText(res) {
    var e = (res.data && res.data.error) || {};
    if (res.status === 401) { return "Phiên đăng nhập đã hết; hãy đăng nhập lại."; }
    return e.message || "Không thực hiện được (mã " + res.status + ").";
  }
  function source() { return form.source ? form.source.value.trim() : ""; }

  // ---- Nghe thử ------------------------------------------------------------------------
  function waitFor(url, tries) {
    return fetch(url, {method: "HEAD", credentials: "same-origin"}).then(function (r) {
      if (r.ok) { return true; }
      if (tries <= 0) { return false; }
      return new Promise(function (done) { setTimeout(done, 600); })
        .then(function () { return waitFor(url, tries - 1); });
    });
  }
  function listen(li, button, status) {
    button.disabled = true;
    status.textContent = "Đang tạo âm thanh thử…";
    post("/api/v1/listen", {text: li.dataset.sentence, voice: form.voice.value, source: source()})
      .then(function (res) {
        if (!res.ok) { throw new Error(errorText(res)); }
        return (res.data.ready ? Promise.resolve(true) : waitFor(res.data.url, 50))
          .then(function (ok) {
            if (!ok) { throw new Error("Máy tạo âm thanh chưa trả lời; hãy thử lại sau."); }
            return res.data.url;
          });
      })
      .then(function (url) {
        var audio = li.querySelector("audio") || el("audio");
        audio.controls = true;
        audio.src = url;
        audio.setAttribute("aria-label", "Nghe thử: " + li.dataset.sentence);
        if (!audio.parentNode) { button.parentNode.after(audio); }
        status.textContent = "Đã có âm thanh thử.";
        return audio.play().catch(function () { /* the reader presses play */ });
      })
      .catch(function (err) { status.textContent = err.message; announce(err.message); })
      .then(function () { button.disabled = false; });
  }

  // ---- Sửa cách đọc ---------------------------------------------------------------------
  function fixForm(li, status, word) {
    var n = ++counter, box = el("form", null, "fix-form");
    box.noValidate = true;
    var written = el("input"), spoken = el("input"), scope = el("select");
    [[written, "Từ viết", "sua-viet-"], [spoken, "Đọc là", "sua-doc-"]].forEach(function (f) {
      var label = el("label", f[1]); f[0].id = f[2] + n; label.htmlFor = f[0].id;
      f[0].autocomplete = "off";
      var field = el("div", null, "field"); field.appendChild(label); field.appendChild(f[0]);
      box.appendChild(field);
    });
    scope.id = "sua-pham-vi-" + n;
    if (source()) { scope.appendChild(new Option("Chỉ nguồn " + source(), "source")); }
    if (isAdmin) { scope.appendChild(new Option("Mọi nguồn", "all")); }
    var scopeLabel = el("label", "Áp dụng cho"); scopeLabel.htmlFor = scope.id;
    var field = el("div", null, "field"); field.appendChild(scopeLabel); field.appendChild(scope);
    box.appendChild(field);
    if (word) { written.value = word; }
    var save = el("button", "Lưu cách đọc"); save.type = "submit";
    box.appendChild(save);
    if (!scope.options.length) {
      status.textContent = "Hãy nhập mã nguồn của bản tin trước (ô “Nguồn”) để sửa cách đọc cho nguồn đó.";
      return null;
    }
    box.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!written.value.trim() || !spoken.value.trim()) {
        status.textContent = "Hãy nhập cả từ viết và cách đọc.";
        (written.value.trim() ? spoken : written).focus();
        return;
      }
      post("/api/v1/lexicon", {written: written.value.trim(), spoken: spoken.value.trim(),
                               source: scope.value === "all" ? "" : source()})
        .then(function (res) {
          if (!res.ok) { status.textContent = errorText(res); spoken.focus(); return; }
          announce("Đã lưu cách đọc “" + res.data.written + "”: " + res.data.spoken + ". Đang xem trước lại.");
          form.querySelector("[data-action=preview]").click();
        });
    });
    return box;
  }

  form.addEventListener("bantin:preview", function () {
    document.querySelectorAll(".preview-list li[data-sentence]").forEach(function (li) {
      var tools = el("p", null, "sentence-tools");
      var status = el("span", null, "tool-status");
      status.setAttribute("role", "status");
      var hear = el("button", "Nghe thử"); hear.type = "button";
      hear.setAttribute("aria-label", "Nghe thử câu: " + li.dataset.sentence.slice(0, 80));
      var fix = el("button", "Sửa cách đọc"); fix.type = "button";
      fix.setAttribute("aria-expanded", "false");
      tools.appendChild(hear); tools.appendChild(fix);
      var toggles = [fix];
      function open(button, word) {
        var shown = li.querySelector("form.fix-form");
        var wasMine = shown && button.getAttribute("aria-expanded") === "true";
        if (shown) { shown.remove(); }
        toggles.forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
        if (wasMine) { return; }
        var box = fixForm(li, status, word);
        if (box) {
          li.appendChild(box);
          button.setAttribute("aria-expanded", "true");
          box.querySelectorAll("input")[word ? 1 : 0].focus();  // a guess: say how it is read
        }
      }
      // One click from a guessed abbreviation to its reading in the source's lexicon.
      JSON.parse(li.dataset.guessed || "[]").forEach(function (word) {
        var add = el("button", "Thêm “" + word + "” vào từ điển"); add.type = "button";
        add.setAttribute("aria-expanded", "false");
        add.addEventListener("click", function () { open(add, word); });
        tools.appendChild(add);
        toggles.push(add);
      });
      tools.appendChild(status);
      li.appendChild(tools);
      hear.addEventListener("click", function () { listen(li, hear, status); });
      fix.addEventListener("click", function () { open(fix, ""); });
    });
  });
})();
