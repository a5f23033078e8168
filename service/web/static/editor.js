// Editor page: see the parsed fields and what will be *said*, submit, watch progress.
(function () {
  "use strict";
  var form = document.querySelector("form[data-editor]");
  if (!form) { return; }
  var section = document.getElementById("editor-result");
  var out = section.querySelector("[data-result]");
  var heading = document.getElementById("ket-qua");
  var progress = document.getElementById("editor-progress");
  var live = document.getElementById("thong-bao");
  var count = form.querySelector("[data-count]");
  // No maxlength: it would silently cut a long paste. Too long is an error the editor sees.
  var limit = parseInt(form.paste.dataset.limit, 10);
  var timer = null;
  // Signed in with a session cookie: writes carry the page's CSRF token in a header.
  var csrf = form.querySelector("input[name=csrf_token]").value;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function announce(text) { live.textContent = text; }
  // Results come from a button press, so moving focus to their heading is expected.
  function show(nodes) {
    out.replaceChildren.apply(out, nodes);
    section.hidden = false;
    heading.focus();
  }
  // The API names fields by their JSON keys; the reader sees the Vietnamese label.
  var LABELS = {
    "title": "Tiêu đề", "lead": "Sapo", "body": "Nội dung", "author": "Tác giả",
    "published_at": "Ngày đăng", "source_url": "Đường dẫn nguồn", "source": "Nguồn",
    "voice": "Giọng đọc", "rate": "Tốc độ", "engine": "Bộ đọc", "Content-Type": "Kiểu nội dung",
    "language": "Ngôn ngữ", "csrf_token": "Phiên làm việc",
    "priority": "Mức ưu tiên", "category": "Chuyên mục", "hazard": "Loại thiên tai, sự cố",
    "risk_level": "Cấp độ rủi ro", "expires": "Hết hiệu lực", "repeat_minutes": "Phát lại",
    "instruction": "Hướng dẫn", "issued_at": "Phát hành lúc"
  };
  // Broadcast rules have controls of their own and travel as query parameters.
  var BROADCAST = ["priority", "category", "hazard", "risk_level", "expires", "repeat_minutes",
                   "instruction"];
  // Which form control to mark invalid for an API field: everything parsed from the paste
  // lives in the one textarea; the voice in its select.
  var PASTED = ["title", "lead", "body", "author", "published_at", "source_url", "language"];
  function controlFor(field, status) {
    if (field === "voice") { return form.voice; }
    if (field === "source") { return form.source; }
    if (BROADCAST.indexOf(field) >= 0 && form[field]) { return form[field]; }
    if (PASTED.indexOf(field) >= 0) { return form.paste; }
    return null;
  }
  function clearErrors() {
    // The summary the server rendered (the form was posted without this script): stale
    // once the editor tries again, and so are the descriptions pointing at it.
    var served = document.getElementById("loi-gui");
    if (served) {
      served.remove();
      form.querySelectorAll("[aria-describedby]").forEach(function (c) {
        var ids = c.getAttribute("aria-describedby").split(" ").filter(function (id) {
          return id && id.indexOf("loi-gui-") !== 0;
        });
        if (ids.length) { c.setAttribute("aria-describedby", ids.join(" ")); }
        else { c.removeAttribute("aria-describedby"); }
      });
    }
    form.querySelectorAll("[aria-invalid]").forEach(function (c) {
      c.removeAttribute("aria-invalid");
      if (c.dataset.describedby !== undefined) {
        if (c.dataset.describedby) { c.setAttribute("aria-describedby", c.dataset.describedby); }
        else { c.removeAttribute("aria-describedby"); }
        delete c.dataset.describedby;
      }
    });
  }
  // errors: [{field, message, status}]. An error summary that takes focus (the reader asked
  // for this by pressing a button); each error links to its field, which is marked invalid
  // and described by the error.
  function showErrors(errors) {
    clearErrors();
    var box = el("div", null, "error-summary");
    box.id = "loi-tom-tat";
    box.tabIndex = -1;
    box.setAttribute("aria-labelledby", "loi-tieu-de");
    var title = el("h3", errors.length > 1 ? "Có " + errors.length + " lỗi cần sửa" : "Có lỗi cần sửa");
    title.id = "loi-tieu-de";
    box.appendChild(title);
    var list = el("ul");
    errors.forEach(function (err, i) {
      var text = "Lỗi" + (err.field ? " ở trường “" + (LABELS[err.field] || err.field) + "”" : "") +
        ": " + (err.message || "không rõ");
      var item = el("li", null, "warning");
      item.id = "loi-" + (i + 1);
      var control = controlFor(err.field, err.status);
      if (control) {
        var a = el("a", text); a.href = "#" + control.id; item.appendChild(a);
        if (!control.hasAttribute("aria-invalid")) {
          control.dataset.describedby = control.getAttribute("aria-describedby") || "";
          control.setAttribute("aria-invalid", "true");
          control.setAttribute("aria-describedby", (item.id + " " + control.dataset.describedby).trim());
        }
      } else {
        item.textContent = text;
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    out.replaceChildren(box);
    section.hidden = false;
    box.focus();
  }
  function apiError(res) {
    var err = (res.data && res.data.error) || {};
    var message = err.message;
    if (res.status === 401) { message = "Phiên đăng nhập đã hết; hãy đăng nhập lại rồi gửi."; }
    return {field: err.field || null, message: message, status: res.status};
  }
  // What can be checked before asking the server.
  function localErrors() {
    var errors = [];
    if (!form.paste.value.trim()) {
      errors.push({field: "body", message: "Hãy dán hoặc gõ nội dung bản tin."});
    } else if (form.paste.value.length > limit) {
      errors.push({field: "body", message: "Bản tin dài " + form.paste.value.length + " ký tự, quá giới hạn " +
        limit + " ký tự. Hãy bớt " + (form.paste.value.length - limit) + " ký tự."});
    }
    return errors;
  }
  function parsedNode(p) {
    var dl = el("dl", null, "parsed");
    var date = p.published_at ? p.published_at.slice(8, 10) + "/" + p.published_at.slice(5, 7) + "/" + p.published_at.slice(0, 4) : "(không có)";
    [["Ngày đăng", date], ["Tiêu đề", p.title || "(không có)"], ["Sapo", p.lead || "(không có)"],
     ["Số đoạn nội dung", String((p.paragraphs || []).length)], ["Tác giả", p.author || "(không có)"],
     ["Dòng bị bỏ qua", (p.dropped_lines || []).join(" · ") || "(không có)"]].forEach(function (row) {
      dl.appendChild(el("dt", row[0]));
      dl.appendChild(el("dd", row[1]));
    });
    return dl;
  }
  function request(url) {
    var headers = {"Content-Type": "text/plain; charset=utf-8", "Accept": "application/json",
                   "X-CSRFToken": csrf};
    var voice = encodeURIComponent(form.voice.value);
    var source = form.source ? encodeURIComponent(form.source.value.trim()) : "";
    var rules = BROADCAST.map(function (name) {
      var control = form[name];
      var value = control ? control.value.trim() : "";
      return value ? "&" + name + "=" + encodeURIComponent(value) : "";
    }).join("");
    return fetch(url + "?voice=" + voice + (source ? "&source=" + source : "") + rules, {method: "POST", headers: headers, body: form.paste.value,
                                           credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, status: r.status, data: d}; }); })
      .catch(function () { return {ok: false, status: 0, data: {error: {message: "Không kết nối được máy chủ."}}}; });
  }
  form.paste.addEventListener("input", function () {
    var n = form.paste.value.length;
    count.textContent = n + " / " + limit + " ký tự." + (n > limit ? " Quá giới hạn " + (n - limit) + " ký tự." : "");
  });
  form.querySelector("[data-action=preview]").addEventListener("click", function () {
    clearErrors();
    var errors = localErrors();
    if (errors.length) { showErrors(errors); return; }
    request("/api/v1/preview").then(function (res) {
      if (!res.ok) { showErrors([apiError(res)]); return; }
      var nodes = [el("h3", "Các phần đã nhận ra")];
      if (res.data.parsed) { nodes.push(parsedNode(res.data.parsed)); }
      nodes.push(el("h3", "Cách đọc từng câu"));
      nodes.push(el("p", res.data.sentences.length + " câu, " + res.data.warnings + " cảnh báo, " +
                    (res.data.guessed || 0) + " chữ viết tắt phải đoán."));
      // the domain decides ambiguous abbreviations ("BN", "TS"): the editor sees which one
      nodes.push(el("p", res.data.domain_label ? "Lĩnh vực: " + res.data.domain_label +
                    " (chữ viết tắt nhiều nghĩa được đọc theo lĩnh vực này)." :
                    "Lĩnh vực: chưa xác định (chọn chuyên mục để chữ viết tắt nhiều nghĩa được đọc đúng).",
                    "domain"));
      var list = el("ol", null, "preview-list");
      res.data.sentences.forEach(function (s) {
        var li = el("li");
        li.appendChild(el("p", "Viết: " + s.text));
        li.appendChild(el("p", "Đọc là: " + s.spoken, "spoken"));
        (s.warnings || []).forEach(function (w) { li.appendChild(el("p", "Cảnh báo: " + w, "warning")); });
        (s.notices || []).forEach(function (w) { li.appendChild(el("p", "Đoán: " + w, "notice")); });
        li.dataset.sentence = s.text;  // editor-tools.js adds "Nghe thử" and "Sửa cách đọc"
        li.dataset.guessed = JSON.stringify(s.guessed || []);  // and one "Thêm …" per guess
        list.appendChild(li);
      });
      nodes.push(list);
      show(nodes);
      form.dispatchEvent(new CustomEvent("bantin:preview", {detail: res.data}));
    });
  });
  function watch(id, page) {
    var text = progress.querySelector("[data-progress-text]");
    var bar = progress.querySelector("[data-progress]");
    var link = progress.querySelector("[data-progress-link]");
    var last = null;
    progress.hidden = false;
    link.replaceChildren();
    clearInterval(timer);
    timer = setInterval(function () {
      fetch("/api/v1/bulletins/" + id, {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (d) {
          var p = d.progress || {}, pct = p.total ? Math.round(100 * p.done / p.total) : 0;
          var msg = d.status === "ready" ? "Đã tạo xong âm thanh." :
            d.status === "failed" ? "Không tạo được âm thanh: " + (d.error || "lỗi không rõ") :
            d.status === "synthesizing" ? "Đang tạo âm thanh: " + (p.done || 0) + " trên " + (p.total || "?") + " câu." :
            "Đang chờ tạo âm thanh.";
          text.textContent = msg;
          bar.value = d.status === "ready" ? 100 : pct;
          if (d.status !== last) { announce(msg); last = d.status; }
          if (d.status === "ready" || d.status === "failed") {
            clearInterval(timer);
            var a = el("a", "Nghe bản tin trên trang đọc"); a.href = page;
            link.replaceChildren(a);
          }
        })
        .catch(function () { /* keep polling */ });
    }, 1000);
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearErrors();
    var errors = localErrors();
    if (errors.length) { showErrors(errors); return; }
    request("/api/v1/bulletins").then(function (res) {
      if (!res.ok) { showErrors([apiError(res)]); return; }
      var p = el("p", "Đã nhận bản tin “" + res.data.title + "” (số " + res.data.id + "). ");
      var a = el("a", "Mở trang đọc"); a.href = res.data.links.page; p.appendChild(a);
      var nodes = [p, el("p", "Bản tin đang ở trạng thái bản nháp: người đọc chỉ thấy sau khi được duyệt và xuất bản.")];
      (res.data.duplicates || []).forEach(function (d) { nodes.push(el("p", "Cảnh báo: " + d.message, "warning")); });
      if (res.data.parsed) { nodes.push(el("h3", "Các phần đã nhận ra"), parsedNode(res.data.parsed)); }
      show(nodes);
      watch(res.data.id, res.data.links.page);
    });
  });
})();
