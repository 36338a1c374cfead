/* The events timeline with vis-timeline, from the JSON block named by #timeline[data-source]. */
(function () {
  "use strict";
  var el = document.getElementById("timeline");
  if (!el || typeof vis === "undefined") return;
  var src = document.getElementById(el.getAttribute("data-source"));
  var events = JSON.parse(src.textContent);
  var BASE = "https://w3id.org/govkg";
  var items = [];
  events.forEach(function (e, i) {
    if (!e.start) return;
    var span = document.createElement("span");
    span.textContent = e.label;  // labels are text, never HTML
    var item = { id: i, content: span, start: e.start, iri: e.iri };
    if (e.end && e.end > e.start) item.end = e.end;
    items.push(item);
  });
  if (!items.length) { el.hidden = true; return; }
  var tl = new vis.Timeline(el, new vis.DataSet(items), {
    stack: true, zoomable: true, margin: { item: 8 }, xss: { disabled: false }
  });
  tl.on("select", function (props) {
    if (!props.items.length) return;
    var e = events[props.items[0]];
    if (e && e.iri.indexOf(BASE + "/id/") === 0) window.location.assign(e.iri.substring(BASE.length));
  });
  el.setAttribute("data-rendered", String(items.length));
})();
