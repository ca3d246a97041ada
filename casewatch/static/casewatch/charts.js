// Bar charts of the findings page, drawn with the ECharts bundle served by the application.
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("chart-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  function bar(id, labels, values) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: {},
      xAxis: { type: "value" },
      yAxis: { type: "category", data: labels, inverse: true },
      series: [{ type: "bar", data: values, itemStyle: { color: "#0b3d91" }, label: { show: true, position: "right" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  bar("chart-area", data.areas.map(function (r) { return r.area; }), data.areas.map(function (r) { return r.n; }));
  bar("chart-district", data.districts.map(function (r) { return r.district; }), data.districts.map(function (r) { return r.n; }));
});
