/* Every page: on a phone a wide table shows each row as a card of "header: value" lines (report.css
   reads the header from the cell's data-label); each cell gets its column's header here, once, rather
   than the page's file repeating every header beside every value. */
(function () {
  "use strict";
  var tables = document.querySelectorAll(".sa-wide table");
  for (var t = 0; t < tables.length; t++) {
    var heads = tables[t].querySelectorAll("thead th");
    var rows = tables[t].querySelectorAll("tbody tr");
    for (var r = 0; r < rows.length; r++) {
      var cells = rows[r].cells;
      for (var c = 0; c < cells.length && c < heads.length; c++) {
        cells[c].setAttribute("data-label", heads[c].textContent);
      }
    }
  }
})();
/* Every page: a table wider than the screen says so (the cue above it) and can be scrolled sideways. */
(function () {
  "use strict";
  function markWideTables() {
    var wraps = document.querySelectorAll(".sa-table-wrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      wrap.classList.toggle("sa-scrolls", wrap.scrollWidth > wrap.clientWidth + 1);
    }
  }
  markWideTables();
  window.addEventListener("resize", markWideTables);
  window.addEventListener("beforeprint", markWideTables);
  document.addEventListener("toggle", markWideTables, true);  /* a folded table opened (below) */
})();
/* Every page: on a phone a long table is folded under its caption and row count (report.css draws the
   line to tap), so the text, the headline figures and the charts come first; on a wider screen and on
   paper every table is open. The page is written with every table open: without scripts nothing is folded. */
(function () {
  "use strict";
  var folds = document.querySelectorAll("details.sa-fold");
  if (!folds.length || !window.matchMedia) return;
  var phone = window.matchMedia("screen and (max-width: 40rem)");
  function fold(closed) {
    for (var i = 0; i < folds.length; i++) folds[i].open = !closed;
  }
  fold(phone.matches);
  var follow = function (event) { fold(event.matches); };
  if (phone.addEventListener) phone.addEventListener("change", follow); else phone.addListener(follow);
  window.addEventListener("beforeprint", function () { fold(false); });
})();
