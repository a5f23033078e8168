// Editor page: preview what will be said, then submit and watch progress.
(function () {
  "use strict";
  var form = document.querySelector("form[data-editor]");
  if (!form) { return; }
  var section = document.getElementById("editor-result");
  var out = section.querySelector("[data-result]");
  var heading = document.getElementById("ket-qua");
  function show(nodes) {
    out.replaceChildren.apply(out, nodes);
    section.hidden = false;
    heading.focus();
  }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text) { e.textContent = text; } if (cls) { e.className = cls; } return e; }
  function errorNode(data) {
    var err = (data && data.error) || {};
    return el("p", "Lỗi" + (err.field ? " ở trường “" + err.field + "”" : "") + ": " + (err.message || "không rõ"), "warning");
  }
  function request(url) {
    var token = form.token.value.trim();
    var headers = {"Content-Type": "text/plain; charset=utf-8", "Accept": "application/json"};
    if (token) { headers.Authorization = "Bearer " + token; }
    return fetch(url + "?voice=" + encodeURIComponent(form.voice.value), {method: "POST", headers: headers, body: form.paste.value})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, data: d}; }); });
  }
  form.querySelector("[data-action=preview]").addEventListener("click", function () {
    request("/api/v1/preview").then(function (res) {
      if (!res.ok) { show([errorNode(res.data)]); return; }
      var list = el("ol");
      res.data.sentences.forEach(function (s) {
        var li = el("li");
        li.appendChild(el("p", s.text));
        li.appendChild(el("p", "Đọc là: " + s.spoken));
        (s.warnings || []).forEach(function (w) { li.appendChild(el("p", "Cảnh báo: " + w, "warning")); });
        list.appendChild(li);
      });
      show([el("p", res.data.sentences.length + " câu, " + res.data.warnings + " cảnh báo."), list]);
    });
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    request("/api/v1/bulletins").then(function (res) {
      if (!res.ok) { show([errorNode(res.data)]); return; }
      var p = el("p", "Đã nhận bản tin “" + res.data.title + "”. ");
      var a = el("a", "Mở trang đọc"); a.href = res.data.links.page; p.appendChild(a);
      show([p]);
    });
  });
})();
