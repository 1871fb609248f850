// Insight charts: the age pyramid (men left, women right, stacked by tier, retirements of the
// next five years outlined) and Kaplan–Meier curves with their 95 % band (step lines).
(function () {
  "use strict";
  var palette = ["#c0392b", "#e67e22", "#2c6e9b", "#95a5a6", "#27ae60", "#8e44ad", "#d4a017"];

  // Two grids side by side: men on the left (axis inverted), women on the right, each side's
  // tiers stacked, the retirements outlined over the same bar (barGap -100%).
  function pyramid(data) {
    var sides = Object.keys(data.sides);
    var tiers = Object.keys(data.sides[sides[0]]);
    var series = [];
    sides.forEach(function (side, index) {
      tiers.forEach(function (tier, t) {
        series.push({ name: tier, type: "bar", stack: side, color: palette[t], barWidth: "70%",
          xAxisIndex: index, yAxisIndex: index, data: data.sides[side][tier] });
      });
      series.push({ name: data.retiring_label, type: "bar", barGap: "-100%", barWidth: "70%", z: 5,
        xAxisIndex: index, yAxisIndex: index,
        itemStyle: { color: "rgba(0,0,0,0)", borderColor: "#1f2933", borderWidth: 1.5, borderType: "dashed" },
        data: data.retiring[side] });
    });
    var most = 0;
    sides.forEach(function (side) {
      data.bands.forEach(function (_band, b) {
        var sum = 0;
        tiers.forEach(function (tier) { sum += data.sides[side][tier][b]; });
        most = Math.max(most, sum);
      });
    });
    var axis = function (index) {
      return { type: "value", gridIndex: index, inverse: index === 0, max: most || 1, minInterval: 1,
        name: sides[index], nameLocation: index === 0 ? "start" : "end" };
    };
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0, type: "scroll", data: tiers.concat([data.retiring_label]) },
      grid: [{ left: 8, width: "41%", top: 28, bottom: 48, containLabel: false },
        { right: 8, width: "41%", top: 28, bottom: 48, containLabel: false }],
      xAxis: [axis(0), axis(1)],
      yAxis: [
        { type: "category", gridIndex: 0, data: data.bands, position: "right", axisLabel: { show: false } },
        { type: "category", gridIndex: 1, data: data.bands, position: "left",
          axisLabel: { margin: 6, fontSize: 11, width: 70 } }
      ],
      series: series
    };
  }

  function survival(data) {
    var series = [];
    data.curves.forEach(function (curve, i) {
      var color = palette[i % palette.length];
      var points = curve.times.map(function (t, j) { return [t, curve.survival[j]]; });
      series.push({ name: curve.label, type: "line", step: "end", showSymbol: false, color: color, data: points });
      series.push({ name: curve.label, type: "line", step: "end", showSymbol: false, color: color,
        lineStyle: { type: "dotted", width: 1 }, tooltip: { show: false },
        data: curve.times.map(function (t, j) { return [t, curve.lower[j]]; }) });
      series.push({ name: curve.label, type: "line", step: "end", showSymbol: false, color: color,
        lineStyle: { type: "dotted", width: 1 }, tooltip: { show: false },
        data: curve.times.map(function (t, j) { return [t, curve.upper[j]]; }) });
    });
    return {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return (100 * v).toFixed(1) + "%"; } },
      legend: { bottom: 0, type: "scroll" },
      // Room under the axis for its name and, below that, the legend (they overlapped).
      grid: { left: 56, right: 24, top: 24, bottom: 78 },
      xAxis: { type: "value", name: data.x, nameLocation: "middle", nameGap: 26, min: 0 },
      yAxis: { type: "value", name: data.y, min: 0, max: 1,
        axisLabel: { formatter: function (v) { return Math.round(100 * v) + "%"; } } },
      series: series
    };
  }

  var builders = { pyramid: pyramid, survival: survival };

  function render() {
    document.querySelectorAll("[data-insight]").forEach(function (element) {
      var source = document.getElementById(element.dataset.source);
      if (!source || !window.echarts) { return; }
      var chart = echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(builders[element.dataset.insight](JSON.parse(source.textContent)));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
