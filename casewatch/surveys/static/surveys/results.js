// Charts of the survey results page (ECharts, served by the application).
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("survey-chart-data");
  if (!node || typeof echarts === "undefined" || !window.cwChart) { return; }
  var data = JSON.parse(node.textContent);
  function pct(v) { return v === null ? null : Math.round(v * 10000) / 100; }
  function idx(v) { return v === null ? null : Math.round(v * 10) / 10; }
  var draw = window.cwChart.draw;  // the shared helper (casewatch/chart.js)
  function bars(id, rows) {
    draw(id, {
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 8, right: 48, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: 100 }, yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r[0]; }) },
      series: [
        { name: data.legend[0], type: "bar", data: rows.map(function (r) { return pct(r[1]); }), itemStyle: { color: "#0b3d91" }, label: { show: true, position: "right" } },
        { name: data.legend[1], type: "bar", data: rows.map(function (r) { return idx(r[2]); }), itemStyle: { color: "#f0a000" }, label: { show: true, position: "right" } }
      ]
    });
  }
  bars("chart-agency", data.agency);
  bars("chart-dimension", data.dimension);
  draw("chart-trend", {
    tooltip: { trigger: "axis" }, legend: { top: 0 },
    grid: { left: 8, right: 48, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.trend.map(function (r) { return r[0]; }) }, yAxis: { type: "value", max: 100 },
    series: [
      { name: data.legend[0], type: "line", data: data.trend.map(function (r) { return pct(r[1]); }), label: { show: true } },
      { name: data.legend[1], type: "line", data: data.trend.map(function (r) { return idx(r[2]); }), label: { show: true } }
    ]
  });
  var names = (data.distribution_scores || [1, 2, 3, 4, 5]).map(String).concat([data.legend[2]]);
  draw("chart-distribution", {
    tooltip: { trigger: "axis" }, legend: { top: 0 },
    grid: { left: 8, right: 48, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value" }, yAxis: { type: "category", inverse: true, data: data.distribution.map(function (r) { return r[0]; }) },
    series: names.map(function (name, k) {
      return { name: name, type: "bar", stack: "all", data: data.distribution.map(function (r) { return r[k + 1]; }) };
    })
  });
});
