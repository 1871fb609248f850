// The workload dashboard's heatmap: units (rows) × months (columns), demands per cadre.
// A click opens the unit's demands of that month.
(function () {
  "use strict";
  function render() {
    var element = document.getElementById("heatmap");
    var source = document.getElementById("heatmap-data");
    if (!element || !source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    element.style.height = Math.max(320, data.units.length * 18 + 110) + "px";
    var values = data.heatmap.map(function (cell) { return cell[2]; })
      .filter(function (v) { return v !== null; });
    var max = values.length ? Math.max.apply(null, values) : 1;
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: { position: "top", formatter: function (p) {
        var v = p.value[2];
        return data.units[p.value[1]] + " · " + data.months[p.value[0]] + "<br>" +
          (v === null ? "无在职干部" : v + " 件/人");
      } },
      grid: { left: 150, right: 24, top: 8, bottom: 80 },
      xAxis: { type: "category", data: data.months, splitArea: { show: true },
        axisLabel: { rotate: 45 } },
      yAxis: { type: "category", data: data.units, inverse: true,
        axisLabel: { interval: 0, fontSize: 11 } },
      visualMap: { min: 0, max: max || 1, calculable: true, orient: "horizontal",
        left: "center", bottom: 0, itemHeight: 160,
        inRange: { color: ["#fdf2e9", "#f0b27a", "#c0392b"] } },
      series: [{ type: "heatmap", data: data.heatmap, emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } } }]
    });
    chart.on("click", function (p) {
      window.location.href = "/workload/units/" + data.unit_ids[p.value[1]] + "/?month=" + data.months[p.value[0]];
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
