// cnplan review page: a click (or Enter) on a highlighted quantity or on a listed row shows that row;
// j / k go to the next and previous row. No server, no network: the rows are in the page.
(function () {
  "use strict";
  var rows = JSON.parse(document.getElementById("rows").textContent);
  var marks = {};
  document.querySelectorAll("mark.q[data-rows]").forEach(function (mark) {
    mark.getAttribute("data-rows").split(" ").forEach(function (i) { marks[i] = mark; });
  });
  var labels = JSON.parse(document.getElementById("labels").textContent);
  var current = -1;

  function text(value) {
    return value === null || value === "" ? null : String(value);
  }

  function show(i) {
    var row = rows[i];
    if (!row) { return; }
    current = i;
    document.querySelectorAll("mark.chosen").forEach(function (m) { m.classList.remove("chosen"); });
    var mark = marks[i];
    if (mark) {
      mark.classList.add("chosen");
      mark.scrollIntoView({ block: "center" });
    }
    var list = document.createElement("dl");
    labels.forEach(function (pair) {
      var dt = document.createElement("dt");
      dt.textContent = pair[1];
      var dd = document.createElement("dd");
      var value = text(row[pair[0]]);
      dd.textContent = value === null ? "—" : value;
      if (value === null) { dd.className = "none"; }
      dd.setAttribute("data-field", pair[0]);
      list.appendChild(dt);
      list.appendChild(dd);
    });
    var panel = document.getElementById("details-body");
    panel.replaceChildren(list);
    document.getElementById("details").setAttribute("data-row", String(i));
  }

  document.getElementById("doc").addEventListener("click", function (event) {
    var mark = event.target.closest("mark.q[data-rows]");
    if (mark) { show(Number(mark.getAttribute("data-rows").split(" ")[0])); }
  });
  document.getElementById("check").addEventListener("click", function (event) {
    var item = event.target.closest("li[data-row]");
    if (item) { show(Number(item.getAttribute("data-row"))); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("input, textarea")) { return; }
    if (event.key === "j") { show(Math.min(current + 1, rows.length - 1)); }
    if (event.key === "k") { show(Math.max(current - 1, 0)); }
    if (event.key === "Enter" && event.target.matches && event.target.matches("mark.q[data-rows]")) {
      show(Number(event.target.getAttribute("data-rows").split(" ")[0]));
    }
  });
  window.cnplanReview = { show: show, rows: rows };
})();
