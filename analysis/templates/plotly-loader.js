/* The loader of plotly.js's basic bundle, gzip-compressed in the page: unpacked here by the browser, never fetched
   (html_page.plotly_scripts puts the line naming the bundle's version and trace types above it). At the top of the
   page: it is unpacked and compiled while the rest of the page is read and laid out. */
(function () {
  "use strict";
  function failed(error) {
    window.saPlotlyFailed = String(error);  /* for the charts' script, should it run after this */
    document.dispatchEvent(new CustomEvent("sa-plotly-failed", {detail: String(error)}));
  }
  /* The bytes of the script text html_page.in_script_text wrote: every printable ASCII character but "<" is a digit
     of base 94 (in code order); each 11 digits are 9 bytes, most significant first, the last 9 padded with zeros;
     the element's data-bytes says how many are the bundle's. The 11 digits are read as two exact numbers, the first
     6 and the last 5 (94**11 > 2**53), and multiplied out in 24-bit parts: two divisions a chunk, not two a digit
     (a quarter of the time, on the way to compiling plotly.js). */
  function fromScriptText(text, length) {
    var digit = new Int8Array(128).fill(-1);
    for (var code = 32, d = 0; code < 127; code++) { if (code !== 60) { digit[code] = d++; } }
    if (!(length >= 0) || text.length !== Math.ceil(length / 9) * 11) { throw new Error("bundle text cut short"); }
    var bytes = new Uint8Array(Math.ceil(length / 9) * 9);
    var PART = 16777216, HIGH = 437, LOW = 7396832;  /* 94**5 = 437 * 2**24 + 7396832 */
    for (var start = 0, at = 0; start < text.length; start += 11) {
      var first = 0, last = 0;
      for (var k = start; k < start + 11; k++) {
        var c = text.charCodeAt(k), v = c < 128 ? digit[c] : -1;
        if (v < 0) { throw new Error("not a bundle digit at " + k); }
        if (k < start + 6) { first = first * 94 + v; } else { last = last * 94 + v; }
      }
      /* first * 94**5 + last, with first = firstHigh * 2**24 + firstLow: each partial product below 2**53 */
      var firstHigh = Math.floor(first / PART), firstLow = first - firstHigh * PART;
      var low = firstLow * LOW + last, carry = Math.floor(low / PART);
      low -= carry * PART;
      var middle = firstHigh * LOW + firstLow * HIGH + carry;
      carry = Math.floor(middle / PART);
      middle -= carry * PART;
      var high = firstHigh * HIGH + carry;
      if (high >= PART) { throw new Error("not a bundle chunk at " + start); }
      bytes[at++] = high >>> 16; bytes[at++] = (high >>> 8) & 255; bytes[at++] = high & 255;
      bytes[at++] = middle >>> 16; bytes[at++] = (middle >>> 8) & 255; bytes[at++] = middle & 255;
      bytes[at++] = low >>> 16; bytes[at++] = (low >>> 8) & 255; bytes[at++] = low & 255;
    }
    return bytes.subarray(0, length);
  }
  try {
    var packed = document.getElementById("sa-plotly-js");
    var bytes = fromScriptText(packed.textContent, parseInt(packed.getAttribute("data-bytes"), 10));
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
