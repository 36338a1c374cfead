/* Draws every <div class="graph" data-graph-source="ID"> with cytoscape.js from the JSON block #ID
   ({nodes: [{id, label, kind, center}], edges: [{source, target, label}]}). Clicking a node opens its page
   when it is one of ours (https://w3id.org/govkg/id/... is served at /id/...). */
(function () {
  "use strict";
  var BASE = "https://w3id.org/govkg";
  var COLOURS = { unit: "#1f5f99", person: "#a33d14", document: "#4d6b1f", event: "#6b2f8a",
                  programme: "#8a6d00", change: "#555555", other: "#777777" };

  function localHref(iri) {
    return iri.indexOf(BASE + "/id/") === 0 ? iri.substring(BASE.length) : null;
  }

  function draw(el) {
    var src = document.getElementById(el.getAttribute("data-graph-source"));
    if (!src || typeof cytoscape !== "function") return;
    var data = JSON.parse(src.textContent);
    var elements = [];
    data.nodes.forEach(function (n) {
      elements.push({ data: { id: n.id, label: n.label, kind: n.kind || "other",
                              colour: COLOURS[n.kind] || COLOURS.other, center: n.center ? 1 : 0 } });
    });
    data.edges.forEach(function (e, i) {
      elements.push({ data: { id: "e" + i, source: e.source, target: e.target, label: e.label } });
    });
    var cy = cytoscape({
      container: el,
      elements: elements,
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 11,
          "text-wrap": "wrap", "text-max-width": 140, color: "#1a1a1a", "text-valign": "bottom",
          "text-margin-y": 4, width: 22, height: 22 } },
        { selector: "node[center = 1]", style: { width: 34, height: 34, "border-width": 3, "border-color": "#111",
          "font-weight": "bold" } },
        { selector: "edge", style: { width: 1.5, "line-color": "#9aa", "target-arrow-color": "#9aa",
          "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)", "font-size": 9,
          color: "#444", "text-rotation": "autorotate", "text-background-color": "#fff",
          "text-background-opacity": 0.8 } }
      ],
      layout: { name: data.nodes.length > 2 ? "cose" : "grid", animate: false, padding: 20 }
    });
    cy.on("tap", "node", function (ev) {
      var h = localHref(ev.target.id());
      if (h && !ev.target.data("center")) window.location.assign(h);
    });
    el.setAttribute("data-rendered", String(cy.nodes().length));
  }

  document.querySelectorAll("div.graph[data-graph-source]").forEach(draw);
})();
