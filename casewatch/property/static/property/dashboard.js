// Centre dashboard charts (data from the json_script block "property-charts").
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("property-charts");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  function pie(id, rows) {
    var el = document.getElementById(id);
    if (!el) return;
    echarts.init(el).setOption({ tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "65%"], data: rows }] });
  }
  function bar(id, rows) {
    var el = document.getElementById(id);
    if (!el) return;
    echarts.init(el).setOption({
      tooltip: { trigger: "axis" }, grid: { left: 110, right: 10, top: 10, bottom: 20 },
      xAxis: { type: "value" }, yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }) }]
    });
  }
  pie("chart-category", data.category);
  bar("chart-agency", data.agency);
  bar("chart-place", data.place);
  bar("chart-age", data.age);
});
