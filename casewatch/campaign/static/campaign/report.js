// The campaign report's bar chart of rates, drawn with the ECharts bundle served by the application.
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("report-chart-data");
  var el = document.getElementById("report-chart");
  if (!node || !el || typeof echarts === "undefined") { return; }
  var rows = JSON.parse(node.textContent);
  if (!rows.length) { el.hidden = true; return; }
  var chart = echarts.init(el);
  chart.setOption({
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: {},
    xAxis: { type: "value", max: 100 },
    yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), inverse: true },
    series: [{ type: "bar", data: rows.map(function (r) { return r.value; }), itemStyle: { color: "#0b3d91" },
               label: { show: true, position: "right", formatter: "{c}%" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
