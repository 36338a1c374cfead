/* Inline edit of an entity's literal facts from its page (a signed-in steward only; steward/_edit.html).
   Each Save posts {entity, graph, predicate, old, new, lang, datatype} to /steward/edit as JSON with the page's
   ETag in If-Match and the session's CSRF token; the answer's ETag replaces the page's, so a second edit from the
   same page works, while an edit made elsewhere in between is refused (412) and the user is asked to reload. */
(function () {
  "use strict";
  var box = document.getElementById("inline-edit");
  if (!box) return;

  function save(row) {
    var input = row.querySelector("input");
    var out = row.querySelector("output");
    var body = {
      entity: box.getAttribute("data-entity"), graph: row.getAttribute("data-graph"),
      predicate: row.getAttribute("data-predicate"), old: row.getAttribute("data-old"), "new": input.value
    };
    if (row.getAttribute("data-lang")) body.lang = row.getAttribute("data-lang");
    else if (row.getAttribute("data-datatype")) body.datatype = row.getAttribute("data-datatype");
    out.textContent = "…";
    fetch("/steward/edit", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "If-Match": box.getAttribute("data-etag"), "X-CSRFToken": box.getAttribute("data-csrf") },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.ok) {
          var etag = r.headers.get("ETag");
          if (etag) box.setAttribute("data-etag", etag);
          row.setAttribute("data-old", input.value);
          out.textContent = box.getAttribute("data-saved");
          if (data.changeset) {
            var a = document.createElement("a");
            a.href = "/changes/" + encodeURIComponent(data.changeset);
            a.textContent = data.changeset;
            a.className = "changeset";
            out.appendChild(document.createTextNode(" "));
            out.appendChild(a);
          }
          row.classList.remove("error");
        } else {
          row.classList.add("error");
          if (r.status === 412) out.textContent = box.getAttribute("data-stale");
          else if (data.violations && data.violations.length)
            out.textContent = data.violations.map(function (v) { return v.message; }).join("; ");
          else out.textContent = data.error || String(r.status);
        }
      });
    }).catch(function (e) { out.textContent = String(e); });
  }

  box.querySelectorAll("tr.edit-fact").forEach(function (row) {
    row.querySelector("button").addEventListener("click", function () { save(row); });
  });
})();
