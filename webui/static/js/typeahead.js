/* Typeahead for every <input data-typeahead>: asks /search (JSON) as the user types.
   data-typeahead="navigate": choosing a hit opens its page;
   "fill": the hit's IRI goes into the hidden input named by data-target, its label stays visible;
   "pick": the label stays visible and the IRI is sent in place of the text when the form is submitted.
   data-kind limits hits to one kind. Labels are inserted as text, never as HTML. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "vi";

  function setup(input) {
    var mode = input.getAttribute("data-typeahead");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) return;
    var timer = null, hits = [], active = -1, seq = 0;

    function close() {
      list.hidden = true; list.textContent = ""; hits = []; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function choose(i) {
      var h = hits[i];
      if (!h) return;
      if (mode === "navigate") { if (h.href) window.location.assign(h.href); return; }
      input.value = h.label;
      input.setAttribute("data-iri", h.iri);
      if (mode === "fill") {
        var target = document.getElementById(input.getAttribute("data-target"));
        if (target) target.value = h.iri;
      }
      close();
    }
    function highlight(i) {
      var items = list.querySelectorAll("li");
      items.forEach(function (li, n) { li.setAttribute("aria-selected", n === i ? "true" : "false"); });
      active = i;
      if (items[i]) input.setAttribute("aria-activedescendant", items[i].id);
    }
    function show(data) {
      list.textContent = "";
      hits = data;
      if (!data.length) { close(); return; }
      data.forEach(function (h, n) {
        var li = document.createElement("li");
        li.id = list.id + "-" + n;
        li.setAttribute("role", "option");
        li.setAttribute("data-iri", h.iri);
        var label = document.createElement("span");
        label.className = "label";
        label.textContent = h.label;
        li.appendChild(label);
        if (h.matched) {
          var m = document.createElement("span");
          m.className = "matched";
          m.textContent = " (" + h.matched + ")";
          li.appendChild(m);
        }
        var k = document.createElement("span");
        k.className = "badge";
        k.textContent = h.kind;
        li.appendChild(k);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(n); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }
    function ask() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      var url = "/search?limit=8&lang=" + encodeURIComponent(lang) + "&q=" + encodeURIComponent(q);
      var kind = input.getAttribute("data-kind");
      if (kind) url += "&kind=" + encodeURIComponent(kind);
      var mine = ++seq;
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (data) { if (mine === seq) show(data); })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () {
      input.removeAttribute("data-iri");
      if (mode === "fill") {
        var target = document.getElementById(input.getAttribute("data-target"));
        if (target) target.value = "";
      }
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    input.addEventListener("keydown", function (ev) {
      if (list.hidden) return;
      if (ev.key === "ArrowDown") { ev.preventDefault(); highlight(Math.min(active + 1, hits.length - 1)); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (ev.key === "Enter" && active >= 0) { ev.preventDefault(); choose(active); }
      else if (ev.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    if (mode === "pick" && input.form) {
      input.form.addEventListener("submit", function () {
        var iri = input.getAttribute("data-iri");
        if (iri) input.value = iri;
      });
    }
  }

  document.querySelectorAll("input[data-typeahead]").forEach(setup);
})();
