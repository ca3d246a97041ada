// Deadline measures page: the long-pending trend chart (data from the json_script "trend-data").
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("trend"), data = document.getElementById("trend-data");
  if (!node || !data || !window.echarts) return;
  var rows = JSON.parse(data.textContent), months = [], byGroup = {};
  rows.forEach(function (r) {
    if (months.indexOf(r.month) < 0) months.push(r.month);
    (byGroup[r.group] = byGroup[r.group] || {})[r.month] = r.n;
  });
  var series = Object.keys(byGroup).map(function (g) {
    return {name: g || "—", type: "line", data: months.map(function (m) { return byGroup[g][m] || 0; })};
  });
  echarts.init(node).setOption({
    tooltip: {trigger: "axis"}, legend: {type: "scroll"},
    xAxis: {type: "category", data: months}, yAxis: {type: "value"}, series: series
  });
});
