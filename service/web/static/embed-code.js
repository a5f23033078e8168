// The reading page's embed codes follow the reader's text size and colours as they change
// them (prefs.js changes the page without a reload): the size, theme and spacing in each
// code's URL, and the full embed's first height, are rewritten in place.
(function () {
  "use strict";
  var root = document.documentElement;
  var fields = document.querySelectorAll("textarea[data-embed-code]");
  var previews = document.querySelectorAll("a[data-embed-preview]");
  if (!fields.length || !window.MutationObserver) { return; }
  function query(url) {
    var size = root.getAttribute("data-size") || "100", theme = root.getAttribute("data-theme");
    var spacing = root.getAttribute("data-spacing");
    url = url.replace(/([?&](?:amp;)?)size=\d+/, "$1size=" + size)
      .replace(/&(?:amp;)?(theme|spacing)=[a-z]+/g, "");
    var amp = url.indexOf("&amp;") >= 0 ? "&amp;" : "&";
    var extra = (theme && theme !== "default" ? amp + "theme=" + theme : "") +
      (spacing && spacing !== "normal" ? amp + "spacing=" + spacing : "");
    return url.replace(/((?:&amp;|&)frame=)/, extra + "$1");
  }
  // The first height at every text size, worked out by the server (embed_code.py).
  var heights = [];
  fields.forEach(function (f, k) {
    try { heights[k] = JSON.parse(f.dataset.heights || "{}"); } catch (e) { heights[k] = {}; }
  });
  function update() {
    var size = root.getAttribute("data-size") || "100";
    fields.forEach(function (f, k) {
      var v = f.value.replace(/src="([^"]*)"/, function (m, url) { return 'src="' + query(url) + '"'; });
      var h = heights[k][size];
      if (h) { v = v.replace(/height="\d+"/, 'height="' + h + '"'); }
      f.value = v;
    });
    previews.forEach(function (a) { a.setAttribute("href", query(a.getAttribute("href"))); });
  }
  new MutationObserver(update).observe(root, {attributes: true,
    attributeFilter: ["data-size", "data-theme", "data-spacing"]});
})();
