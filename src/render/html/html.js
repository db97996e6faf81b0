(function () {
  "use strict";
  function key(cell) {
    var v = cell.getAttribute("data-v");
    return v === null ? cell.textContent.toLowerCase() : parseFloat(v);
  }
  var heads = document.querySelectorAll("table.sortable th");
  Array.prototype.forEach.call(heads, function (th) {
    th.addEventListener("click", function () {
      var table = th.closest("table");
      var body = table.tBodies[0];
      var col = th.cellIndex;
      var asc = th.getAttribute("data-dir") !== "asc";
      Array.prototype.forEach.call(table.querySelectorAll("th"), function (x) {
        x.removeAttribute("data-dir");
      });
      th.setAttribute("data-dir", asc ? "asc" : "desc");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a.cells[col]), y = key(b.cells[col]);
        var c = x < y ? -1 : x > y ? 1 : 0;
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  document.body.setAttribute("data-ready", "1");
})();
