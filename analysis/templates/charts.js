/* Draw every chart of the page from its JSON block, with the plotly.js inlined above (once it is unpacked,
   when it came compressed). No network. */
(function () {
  "use strict";
  var blocks = document.querySelectorAll('script[type="application/json"].sa-chart-data');
  function cannotDraw() {
    for (var i = 0; i < blocks.length; i++) {
      var target = document.getElementById(blocks[i].getAttribute("data-target"));
      target.textContent = target.getAttribute("data-error") || "chart unavailable";
    }
  }
  /* The basic bundle is unpacked asynchronously: it either ran already (Plotly is defined), failed
     already, or is still coming and says when. */
  if (window.Plotly) {
    drawAll();
  } else if (window.saPlotlyFailed) {
    cannotDraw();
  } else {
    document.addEventListener("sa-plotly-ready", drawAll, {once: true});
    document.addEventListener("sa-plotly-failed", cannotDraw, {once: true});
  }

  function drawAll() {
    /* The theme every chart of the page shares is written once (html_page.shared_template): each chart gets its
       own copy back, as plotly would have found it in the chart's layout. */
    var shared = document.getElementById("sa-chart-template");
    var drawn = [];
    var configs = [];
    /* A phone shows plotly's toolbar all the time (no hover), where it covers the legend: leave it out,
       and take it away (or give it back) when a window is narrowed (or widened) past the same width. */
    var small = window.matchMedia ? window.matchMedia("(max-width: 40rem)") : null;
    var narrow = small ? small.matches : false;
    /* Where the toolbar is shown (a desk) it stands upright at the chart's top right, and the legend has the
       chart's top to itself (the title is a caption): a legend filling its row ended under the toolbar. The plot
       keeps TOOLBAR_ROOM px to its right there; a phone, with no toolbar, keeps the chart's own margin. */
    var TOOLBAR_ROOM = 36;
    var ownRights = [];
    function ownRight(layout) {
      var margin = layout.margin || {};
      var theme = ((layout.template || {}).layout || {}).margin || {};
      return typeof margin.r === "number" ? margin.r : (typeof theme.r === "number" ? theme.r : 0);
    }
    function roomForToolbar(layout, right, toolbar) {
      var margin = {};
      for (var key in (layout.margin || {})) { margin[key] = layout.margin[key]; }
      margin.r = toolbar ? Math.max(right, TOOLBAR_ROOM) : right;
      layout.margin = margin;
    }
    /* A chart may carry a narrow screen's layout (layout.meta.narrow: the names beside its y axis in shorter
       lines, and the height and margins they take): a phone draws that, a desk and paper the chart's own. */
    var variants = [];
    function copied(value) {
      if (!value || typeof value !== "object" || Array.isArray(value)) { return value; }
      var out = {};
      for (var key in value) { out[key] = value[key]; }
      return out;
    }
    function variantsOf(layout) {
      var narrow = layout.meta && layout.meta.narrow;
      if (!narrow) { return null; }
      var desk = {}, phone = {};
      for (var key in narrow) {
        var own = layout[key], theirs = narrow[key];
        desk[key] = copied(own);
        if (theirs && typeof theirs === "object" && !Array.isArray(theirs)) {
          phone[key] = copied(own) || {};
          for (var inner in theirs) { phone[key][inner] = theirs[inner]; }
        } else {
          phone[key] = theirs;
        }
      }
      return {desk: desk, narrow: phone};
    }
    function useVariant(layout, variant, isNarrow) {
      var parts = isNarrow ? variant.narrow : variant.desk;
      for (var key in parts) { layout[key] = copied(parts[key]); }
    }
    /* The chart's own right margin, before the toolbar's room is added (a variant brings its own margins). */
    function rightOf(k) {
      return variants[k] ? ownRight(drawn[k].layout) : ownRights[k];
    }
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var id = block.getAttribute("data-target");
      var target = document.getElementById(id);
      try {
        var figure = JSON.parse(block.textContent);
        if (shared && figure.layout && !figure.layout.template) { figure.layout.template = JSON.parse(shared.textContent); }
        var config = figure.config || {};
        var layout = figure.layout || {};
        var variant = variantsOf(layout);
        if (variant) { useVariant(layout, variant, narrow); }
        var right = ownRight(layout);
        if (narrow) { config.displayModeBar = false; }
        roomForToolbar(layout, right, !narrow);
        Plotly.newPlot(target, figure.data || [], layout, config);
        drawn.push(target);
        configs.push(config);
        ownRights.push(right);
        variants.push(variant);
      } catch (error) {
        target.textContent = target.getAttribute("data-error") || "chart unavailable";
        console.error("chart " + id + ": " + error);
      }
    }
    /* Charts follow the page width; printing changes it, so redraw before printing. On paper a chart
       is at most PRINT_MAX_HEIGHT px tall (an A4 page holds about 990), so that the page of the last
       chart still has room for the provenance footer; the screen gets its own height back after. */
    if (small && small.addListener) {
      small.addListener(function (query) {
        for (var k = 0; k < drawn.length; k++) {
          configs[k].displayModeBar = query.matches ? false : "hover";
          if (variants[k]) { useVariant(drawn[k].layout, variants[k], query.matches); }
          roomForToolbar(drawn[k].layout, rightOf(k), !query.matches);
          Plotly.react(drawn[k], drawn[k].data, drawn[k].layout, configs[k]);
        }
      });
    }
    var PRINT_MAX_HEIGHT = 740;
    var screenHeights = [];
    /* Paper is as wide as a desk's chart: a chart drawn for a narrow screen prints with the desk's names (and the
       phone's screen gets its own back after). */
    function forPaper(j, onPaper) {
      if (!variants[j] || !small || !small.matches) { return; }
      useVariant(drawn[j].layout, variants[j], !onPaper);
      roomForToolbar(drawn[j].layout, rightOf(j), false);
      Plotly.react(drawn[j], drawn[j].data, drawn[j].layout, configs[j]);
    }
    window.addEventListener("beforeprint", function () {
      for (var j = 0; j < drawn.length; j++) {
        forPaper(j, true);
        var height = (drawn[j].layout && drawn[j].layout.height) || drawn[j].clientHeight;
        screenHeights[j] = drawn[j].layout ? drawn[j].layout.height : undefined;
        if (height > PRINT_MAX_HEIGHT) { Plotly.relayout(drawn[j], {height: PRINT_MAX_HEIGHT}); }
        Plotly.Plots.resize(drawn[j]);
      }
    });
    window.addEventListener("afterprint", function () {
      for (var j = 0; j < drawn.length; j++) {
        if (screenHeights[j] !== undefined && screenHeights[j] !== drawn[j].layout.height) {
          Plotly.relayout(drawn[j], {height: screenHeights[j]});
        }
        forPaper(j, false);
        Plotly.Plots.resize(drawn[j]);
      }
    });
  }
})();
