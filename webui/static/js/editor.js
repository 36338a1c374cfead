/* The SPARQL query editor: YASGUI against our own endpoint, never an outside service.
   - The LOV-backed "property" and "class" completers are removed; ours ask our /sparql for the graph's own
     properties and classes, and our /search for entities (typing "unit:", "person:" ... or "<https://w3id...").
   - Prefixes come from the project (graph.namespaces.PREFIXES), not prefix.cc.
   - The endpoint catalogue lists only our endpoint; share links carry the query in the URL fragment.
   - Example questions (docs/queries/*.rq) open in a new tab of the editor. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("editor-config").textContent);
  var root = document.getElementById("yasgui");
  if (!root || typeof Yasgui === "undefined") return;
  var endpoint = new URL(cfg.endpoint, window.location.href).href;
  var Yasqe = Yasgui.Yasqe;
  var ID = cfg.prefixes.id;

  function select(query) {
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(query)
    }).then(function (r) { return r.ok ? r.json() : { results: { bindings: [] } }; })
      .then(function (j) { return j.results.bindings.map(function (b) { return b.t.value; }); })
      .catch(function () { return []; });
  }
  var PROPERTIES = "SELECT DISTINCT ?t WHERE { { ?t a ?k } UNION { GRAPH ?g { ?t a ?k } } " +
    "VALUES ?k { <http://www.w3.org/2002/07/owl#ObjectProperty> <http://www.w3.org/2002/07/owl#DatatypeProperty> " +
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#Property> <http://www.w3.org/2002/07/owl#AnnotationProperty> } } LIMIT 5000";
  var CLASSES = "SELECT DISTINCT ?t WHERE { { ?t a ?k } UNION { GRAPH ?g { ?t a ?k } } " +
    "VALUES ?k { <http://www.w3.org/2002/07/owl#Class> <http://www.w3.org/2000/01/rdf-schema#Class> } } LIMIT 5000";
  var USED_PROPERTIES = "SELECT DISTINCT ?t WHERE { GRAPH ?g { ?s ?t ?o } } LIMIT 2000";
  var USED_CLASSES = "SELECT DISTINCT ?t WHERE { GRAPH ?g { ?s a ?t } } LIMIT 2000";

  function both(a, b) {
    return Promise.all([select(a), select(b)]).then(function (r) {
      var seen = {}, out = [];
      r[0].concat(r[1]).forEach(function (x) { if (!seen[x]) { seen[x] = 1; out.push(x); } });
      return out;
    });
  }

  // Our completers replace the ones that call Linked Open Vocabularies and prefix.cc.
  Yasqe.forkAutocompleter("property", { name: "govkg-property", bulk: true, autoShow: false,
    persistenceId: null, get: function () { return both(PROPERTIES, USED_PROPERTIES); } }, false);
  Yasqe.forkAutocompleter("class", { name: "govkg-class", bulk: true, autoShow: false,
    persistenceId: null, get: function () { return both(CLASSES, USED_CLASSES); } }, false);
  Yasqe.forkAutocompleter("prefixes", { name: "govkg-prefixes", persistenceId: null, get: function () {
    return Promise.resolve(Object.keys(cfg.prefixes).sort().map(function (p) {
      return p + ": <" + cfg.prefixes[p] + ">";
    }));
  } }, false);
  Yasqe.forkAutocompleter("class", { name: "govkg-entity", bulk: false, autoShow: false,
    isValidCompletionPosition: function (yasqe) {
      var tok = yasqe.getCompleteToken();
      if (!tok.string || tok.string[0] === "?" || tok.string[0] === "$") return false;
      var s = tok.string.replace(/^</, "");
      return s.indexOf(ID) === 0 || /^(unit|person|post|doc|event|src|concept|id):/.test(tok.string);
    },
    get: function (yasqe, token) {
      var text = (token.autocompletionString || token.string || "");
      var tail = text.split("/").pop().replace(/[-_]/g, " ");
      if (!tail) return Promise.resolve([]);
      return fetch(cfg.search + "?limit=20&q=" + encodeURIComponent(tail), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (hits) { return hits.map(function (h) { return h.iri; }); })
        .catch(function () { return []; });
    } }, false);
  ["property", "class", "prefixes"].forEach(function (n) { delete Yasqe.Autocompleters[n]; });
  var mine = ["variables", "govkg-prefixes", "govkg-property", "govkg-class", "govkg-entity"];
  Yasqe.defaults.autocompleters = mine.slice();

  var prologue = Object.keys(cfg.prefixes).map(function (p) {
    return "PREFIX " + p + ": <" + cfg.prefixes[p] + ">";
  }).join("\n");
  var starter = "PREFIX rdfs: <" + cfg.prefixes.rdfs + ">\nPREFIX org: <" + cfg.prefixes.org + ">\n" +
    "SELECT ?unit ?label WHERE {\n  ?unit a org:Organization ; rdfs:label ?label .\n  FILTER(lang(?label) = \"" +
    (cfg.lang === "en" ? "en" : "vi") + "\")\n} LIMIT 20";

  Yasgui.defaults.endpointCatalogueOptions.getData = function () { return [{ endpoint: endpoint }]; };
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    persistenceId: "govkg-editor",
    yasqe: { value: starter, autocompleters: mine.slice(), prefixCcApi: null },
    yasr: { prefixes: cfg.prefixes }
  });
  window.govkgYasgui = yasgui;  // for the browser tests and the console
  var tab = yasgui.getTab();
  if (tab) tab.setEndpoint(endpoint);

  var byName = {};
  (cfg.examples || []).forEach(function (ex) { byName[ex.name] = ex; });
  document.querySelectorAll("button.example[data-example]").forEach(function (b) {
    b.addEventListener("click", function () {
      var ex = byName[b.getAttribute("data-example")];
      if (!ex) return;
      var t = yasgui.addTab(true, { name: ex[cfg.lang] || ex.vi });
      t.setEndpoint(endpoint);
      t.setQuery(ex.query);
      t.query();
    });
  });
  root.setAttribute("data-ready", "true");
  root.setAttribute("data-prologue-lines", String(prologue.split("\n").length));
})();
