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
})();
