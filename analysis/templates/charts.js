/* Draw every chart of the page from its JSON block, with the plotly.js inlined above. No network. */
(function () {
  "use strict";
  var blocks = document.querySelectorAll('script[type="application/json"].sa-chart-data');
  var drawn = [];
  /* A phone shows plotly's toolbar all the time (no hover), where it covers the legend: leave it out. */
  var narrow = window.matchMedia && window.matchMedia("(max-width: 40rem)").matches;
  for (var i = 0; i < blocks.length; i++) {
    var block = blocks[i];
    var id = block.getAttribute("data-target");
    var target = document.getElementById(id);
    try {
      var figure = JSON.parse(block.textContent);
      var config = figure.config || {};
      if (narrow) { config.displayModeBar = false; }
      Plotly.newPlot(target, figure.data || [], figure.layout || {}, config);
      drawn.push(target);
    } catch (error) {
      target.textContent = target.getAttribute("data-error") || "chart unavailable";
      console.error("chart " + id + ": " + error);
    }
  }
  /* Charts follow the page width; printing changes it, so redraw before printing. */
  window.addEventListener("beforeprint", function () {
    for (var j = 0; j < drawn.length; j++) { Plotly.Plots.resize(drawn[j]); }
  });
})();
