// Renders every element with data-chart from the JSON named by its data-source attribute.
// The JSON is a list of [label, value] pairs, or for several series
// {labels: [...], series: [{name, data, type?, stack?, axis?}], axes?: [left name, right name]}.
(function () {
  "use strict";
  var palette = ["#c0392b", "#2c6e9b", "#e67e22", "#27ae60", "#8e44ad", "#7f8c8d", "#d4a017"];

  function multiOption(kind, data) {
    var axes = data.axes || [""];
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 48, right: axes.length > 1 ? 48 : 16, top: 32, bottom: 56 },
      xAxis: { type: "category", data: data.labels,
        axisLabel: { interval: 0, rotate: data.labels.length > 8 ? 30 : 0 } },
      yAxis: axes.map(function (name) { return { type: "value", name: name, minInterval: 1 }; }),
      series: data.series.map(function (series) {
        return { name: series.name, type: series.type || kind, data: series.data,
          stack: series.stack, yAxisIndex: series.axis || 0, barMaxWidth: 42,
          connectNulls: true };
      })
    };
  }

  function option(kind, data) {
    if (!Array.isArray(data)) { return multiOption(kind, data); }
    var labels = data.map(function (row) { return row[0]; });
    var values = data.map(function (row) { return row[1]; });
    if (kind === "pie") {
      return {
        color: palette,
        tooltip: { trigger: "item", formatter: "{b}：{c} 人（{d}%）" },
        legend: { bottom: 0, type: "scroll" },
        series: [{ type: "pie", radius: ["30%", "52%"], top: -20, percentPrecision: 1,
          label: { formatter: "{b}\n{d}%", overflow: "none" },
          data: data.map(function (row) { return { name: row[0], value: row[1] }; }) }]
      };
    }
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 24, bottom: 40 },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: kind === "line" ? "line" : "bar", data: values, barMaxWidth: 42,
        label: { show: true, position: "top" } }]
    };
  }

  function render() {
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.source);
      if (!source || !window.echarts) { return; }
      var chart = echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(option(element.dataset.chart, JSON.parse(source.textContent)));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
