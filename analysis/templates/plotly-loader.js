/* The loader of plotly.js's basic bundle, gzip-compressed in the page: unpacked here by the browser, never fetched
   (html_page.plotly_scripts puts the line naming the bundle's version and trace types above it). At the top of the
   page: it is unpacked and compiled while the rest of the page is read and laid out. */
(function () {
  "use strict";
  function failed(error) {
    window.saPlotlyFailed = String(error);  /* for the charts' script, should it run after this */
    document.dispatchEvent(new CustomEvent("sa-plotly-failed", {detail: String(error)}));
  }
  /* The bytes of base85 text: Python's base64.b85encode alphabet with "." for "<" (html_page.py says why);
     each 5 characters are 4 bytes, a last group of n + 1 characters n bytes. */
  function fromBase85(text) {
    var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;.=>?@^_`{|}~";
    var digit = new Int8Array(128).fill(-1);
    for (var d = 0; d < 85; d++) { digit[DIGITS.charCodeAt(d)] = d; }
    var last = text.length % 5;
    if (last === 1) { throw new Error("base85 text cut short"); }
    var bytes = new Uint8Array(Math.floor(text.length / 5) * 4 + (last ? last - 1 : 0));
    for (var start = 0, at = 0; start < text.length; start += 5) {
      var value = 0;
      for (var k = start; k < start + 5; k++) {
        var code = k < text.length ? text.charCodeAt(k) : 126;  /* a short last group is padded with "~" */
        var v = code < 128 ? digit[code] : -1;
        if (v < 0) { throw new Error("not base85 at " + k); }
        value = value * 85 + v;
      }
      for (var shift = 24; shift >= 0 && at < bytes.length; shift -= 8) { bytes[at++] = (value >>> shift) & 255; }
    }
    return bytes;
  }
  try {
    var bytes = fromBase85(document.getElementById("sa-plotly-js").textContent);
    var unpacked = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    new Response(unpacked).blob().then(function (code) {
      /* Run from a blob: URL (which only the page's own scripts can make), not as inline text: Chromium compiles
         it on another thread, and V8's compile hint (the first line) has every function compiled there at once,
         not on this thread when a chart first calls it. A third of this thread's work is gone. */
      var url = URL.createObjectURL(new Blob(["//# allFunctionsCalledOnLoad\n", code], {type: "text/javascript"}));
      var script = document.createElement("script");
      script.id = "sa-plotly-js-unpacked";
      script.addEventListener("load", function () {
        URL.revokeObjectURL(url);
        document.dispatchEvent(new Event("sa-plotly-ready"));
      });
      script.addEventListener("error", function () {
        URL.revokeObjectURL(url);
        failed(new Error("the unpacked plotly.js did not run"));
      });
      script.src = url;
      document.head.appendChild(script);
    }, failed);
  } catch (error) {
    failed(error);  /* a browser without DecompressionStream (before 2023): the charts say they cannot be shown */
  }
})();
