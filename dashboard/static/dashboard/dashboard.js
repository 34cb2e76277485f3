/* Draws the dashboard's charts with ECharts from the figures the server put in <script id="dashboard-charts">.
   Every label comes from the server, already translated; this file only turns each chart's spec into options. */
(function () {
  "use strict";

  var ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

  function axisLabel(spec) {
    return spec.percent ? { formatter: "{value} %" } : {};
  }

  function options(spec) {
    var horizontal = spec.kind === "hbar";
    var hasSecond = spec.series.some(function (s) { return s.axis === 1; });
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: horizontal
        ? { width: 110, overflow: "truncate" }
        : (spec.categories.length <= 8
          ? { interval: 0, width: 64, overflow: "break" }
          // Dates along the bottom read as month-day; the tooltip and the table keep the year.
          : { hideOverlap: true, formatter: function (value) { return ISO_DATE.test(value) ? value.slice(5) : value; } }),
      inverse: horizontal
    };
    var valueAxes = [{ type: "value", minInterval: 1, axisLabel: axisLabel(spec) }];
    if (hasSecond) {
      valueAxes.push({ type: "value", minInterval: 1, splitLine: { show: false } });
    }
    if (spec.percent) {
      valueAxes[0].max = 100;
      valueAxes[0].min = 0;
    }
    var series = spec.series.map(function (s, index) {
      var item = {
        name: s.name,
        type: spec.kind === "line" && s.axis !== 1 ? "line" : "bar",
        data: s.values.map(function (value, i) {
          if (spec.pointColors.length && index === 0) {
            return { value: value, itemStyle: { color: spec.pointColors[i] } };
          }
          return value;
        }),
        connectNulls: false
      };
      if (s.color) { item.itemStyle = { color: s.color }; item.lineStyle = { color: s.color }; }
      if (s.stack) { item.stack = s.stack; }
      if (s.axis === 1) { item[horizontal ? "xAxisIndex" : "yAxisIndex"] = 1; item.barMaxWidth = 8; item.itemStyle = { color: s.color, opacity: 0.5 }; }
      return item;
    });
    return {
      animation: false,
      grid: {
        left: 8,
        // Room for the last label of a horizontal value axis (e.g. "1,000,000"), which containLabel does not count.
        right: horizontal ? 32 : (hasSecond ? 8 : 16),
        top: spec.pointColors.length ? 16 : 40,
        bottom: 8,
        containLabel: true
      },
      legend: { type: "scroll", top: 0, show: !spec.pointColors.length },
      // Drawn in the chart itself: the HTML tooltip would need inline style attributes, which the
      // Content-Security-Policy forbids.
      tooltip: { trigger: "axis", confine: true, renderMode: "richText" },
      xAxis: horizontal ? valueAxes : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxes,
      series: series
    };
  }

  function draw() {
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof window.echarts === "undefined") { return; }
    var specs = JSON.parse(source.textContent);
    var charts = [];
    specs.forEach(function (spec) {
      var element = document.getElementById("chart-" + spec.key);
      if (!element) { return; }
      if (spec.kind === "hbar") {
        element.style.height = Math.max(180, 48 + spec.categories.length * 26) + "px";
      }
      var chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.setOption(options(spec));
      element.setAttribute("data-rendered", "true");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
