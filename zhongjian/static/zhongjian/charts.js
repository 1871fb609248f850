// Renders every element with data-chart from the JSON named by its data-source attribute.
(function () {
  "use strict";
  var palette = ["#c0392b", "#2c6e9b", "#e67e22", "#27ae60", "#8e44ad", "#7f8c8d", "#d4a017"];

  function option(kind, data) {
    var labels = data.map(function (row) { return row[0]; });
    var values = data.map(function (row) { return row[1]; });
    if (kind === "pie") {
      return {
        color: palette,
        tooltip: { trigger: "item", formatter: "{b}：{c} 人（{d}%）" },
        legend: { bottom: 0, type: "scroll" },
        series: [{ type: "pie", radius: ["32%", "58%"], top: -20,
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
