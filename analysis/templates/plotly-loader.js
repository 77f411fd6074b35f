/* plotly.js v$version basic bundle ($traces), gzip-compressed in this page: unpacked here by the browser, never fetched. */
(function () {
  "use strict";
  function failed(error) {
    window.saPlotlyFailed = String(error);  /* for the charts' script, should it run after this */
    document.dispatchEvent(new CustomEvent("sa-plotly-failed", {detail: String(error)}));
  }
  try {
    var text = atob(document.getElementById("sa-plotly-js").textContent);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var unpacked = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    new Response(unpacked).text().then(function (code) {
      var script = document.createElement("script");
      script.id = "sa-plotly-js-unpacked";
      script.textContent = code;
      document.head.appendChild(script);  /* runs now, as an inline script: the page's policy allows those only */
      document.dispatchEvent(new Event("sa-plotly-ready"));
    }, failed);
  } catch (error) {
    failed(error);  /* a browser without DecompressionStream (before 2023): the charts say they cannot be shown */
  }
})();
