// Renders every element with data-chart from the JSON named by its data-source attribute.
// The JSON is a list of [label, value] pairs, or for several series
// {labels: [...], series: [{name, data, type?, stack?, axis?}], axes?: [left name, right name]}.
// Labels are shown whole (no clipping, no paged legends hiding categories); a chart without data
// says “暂无数据”; a pie with one category says nothing a sentence would not, so its card goes.
(function () {
  "use strict";
  var palette = ["#c0392b", "#2c6e9b", "#e67e22", "#27ae60", "#8e44ad", "#7f8c8d", "#d4a017"];

  function multiOption(kind, data, width) {
    var axes = data.axes || [""];
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, type: "plain" },
      grid: { left: 16, right: 16, top: 32, bottom: legendRows(data.series.length) * 22 + 8,
        containLabel: true },
      xAxis: { type: "category", data: data.labels,
        // Every label while they fit; on a narrow chart (a phone) with many of them (months),
        // echarts leaves some out instead of printing them over each other.
        axisLabel: { interval: width < 600 && data.labels.length > 12 ? "auto" : 0,
          hideOverlap: width < 600, rotate: data.labels.length > 8 ? 30 : 0 } },
      yAxis: axes.map(function (name) { return { type: "value", name: name, minInterval: 1 }; }),
      series: data.series.map(function (series) {
        return { name: series.name, type: series.type || kind, data: series.data,
          stack: series.stack, yAxisIndex: series.axis || 0, barMaxWidth: 42,
          connectNulls: true };
      })
    };
  }

  function option(kind, data, width) {
    if (!Array.isArray(data)) { return multiOption(kind, data, width); }
    var labels = data.map(function (row) { return row[0]; });
    var values = data.map(function (row) { return row[1]; });
    if (kind === "pie") {
      var rows = legendRows(data.length);
      return {
        color: palette,
        tooltip: { trigger: "item", formatter: "{b}：{c} 人（{d}%）" },
        legend: { bottom: 0, type: "plain" },
        series: [{ type: "pie", radius: ["26%", "46%"], center: ["50%", (46 - rows * 4) + "%"],
          percentPrecision: 1, avoidLabelOverlap: true,
          // Labels keep inside the canvas and wrap instead of being cut at its edge.
          label: { formatter: "{b}\n{d}%", alignTo: "edge", edgeDistance: 8, overflow: "break",
            width: 96, lineHeight: 15 },
          labelLine: { length: 8, length2: 6 },
          data: data.map(function (row) { return { name: row[0], value: row[1] }; }) }]
      };
    }
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      grid: { left: 16, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0,
        width: labels.length > 6 ? undefined : 80, overflow: "break" } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: kind === "line" ? "line" : "bar", data: values, barMaxWidth: 42,
        label: { show: true, position: "top" } }]
    };
  }

  // Legend rows needed at about six entries a row, so that no entry is paged away.
  function legendRows(n) { return Math.max(1, Math.ceil(n / 6)); }

  function isEmpty(data) {
    if (Array.isArray(data)) {
      return !data.some(function (row) { return Number(row[1]) > 0; });
    }
    return !data.labels || !data.labels.length || !data.series.some(function (series) {
      return series.data.some(function (value) { return Number(value) > 0; });
    });
  }

  function onlyOneSlice(kind, data) {
    return kind === "pie" && data.filter(function (row) { return Number(row[1]) > 0; }).length === 1;
  }

  function render(root) {
    var empty = document.documentElement.dataset.emptyChart || "暂无数据";
    var scope = root && root.querySelectorAll ? root : document;
    var found = Array.prototype.slice.call(scope.querySelectorAll("[data-chart]"));
    if (scope.matches && scope.matches("[data-chart]")) { found.push(scope); }
    found.forEach(function (element) {
      var source = document.getElementById(element.dataset.source);
      if (!source || !window.echarts || element.dataset.rendered) { return; }
      element.dataset.rendered = "1";
      var data = JSON.parse(source.textContent);
      if (isEmpty(data)) {
        element.classList.add("chart-empty");
        element.textContent = empty;
        return;
      }
      var card = element.closest(".card");
      if (onlyOneSlice(element.dataset.chart, data) && card && card.querySelectorAll("[data-chart]").length === 1) {
        card.hidden = true;
        return;
      }
      var chart = echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(option(element.dataset.chart, data, element.clientWidth));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(document); });
  } else {
    render(document);
  }
  // Charts that arrive later (a part of the page fetched by htmx) are drawn when they land.
  document.addEventListener("htmx:load", function (event) { render(event.target); });
})();
