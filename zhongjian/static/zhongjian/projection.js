// Charts of the projection pages from the JSON in #projection-data: vacancies per tier with the
// Monte Carlo 5–95 % band of each scenario, the age structure and the bench ratio.
(function () {
  "use strict";
  var palette = ["#7f8c8d", "#c0392b", "#2c6e9b", "#e67e22", "#27ae60", "#8e44ad"];

  function vacancyOption(data, tier) {
    var series = [];
    tier.series.forEach(function (s, i) {
      var colour = palette[i % palette.length];
      var stack = "band" + i;
      series.push({ name: s.name, type: "line", data: s.low, stack: stack, symbol: "none",
        lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true, legendHoverLink: false });
      series.push({ name: s.name, type: "line", stack: stack, symbol: "none",
        data: s.high.map(function (h, t) { return Math.max(h - s.low[t], 0); }),
        lineStyle: { opacity: 0 }, areaStyle: { color: colour, opacity: 0.15 }, silent: true,
        tooltip: { show: false } });
      series.push({ name: s.name, type: "line", data: s.expected, color: colour, symbolSize: 5,
        lineStyle: { width: i === 0 ? 2 : 3, type: i === 0 ? "dashed" : "solid" } });
    });
    return {
      color: palette,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "" : v.toFixed(1); } },
      legend: { bottom: 0, data: tier.series.map(function (s) { return s.name; }) },
      grid: { left: 44, right: 16, top: 24, bottom: 48 },
      xAxis: { type: "category", data: data.years, boundaryGap: false },
      yAxis: { type: "value", name: "空缺", min: 0 },
      series: series
    };
  }

  function barOption(labels, series, extra) {
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 44, right: 16, top: 24, bottom: 56 },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", min: 0 },
      series: (extra || []).concat(series.map(function (s) {
        return { name: s.name, type: "bar", data: s.values.map(function (v) { return Math.round(v * 100) / 100; }), barMaxWidth: 28 };
      }))
    };
  }

  function render() {
    var source = document.getElementById("projection-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-projection]").forEach(function (element) {
      var kind = element.dataset.projection, option;
      if (kind === "vacancy") {
        option = vacancyOption(data, data.tiers[Number(element.dataset.index)]);
      } else if (kind === "age") {
        option = barOption(data.age.bands, data.age.series, [{ name: "现在", type: "line",
          data: data.age.today, color: "#333", symbol: "circle", symbolSize: 5 }]);
      } else {
        option = barOption(data.bench.labels, data.bench.series);
      }
      var chart = echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
