// Bar charts of the findings page (through the shared helper casewatch/chart.js).
document.addEventListener("DOMContentLoaded", function () {
  var data = window.cwChart && cwChart.data("chart-data");
  if (!data) { return; }
  cwChart.bar("chart-area", data.areas.map(function (r) { return r.area; }), data.areas.map(function (r) { return r.n; }));
  cwChart.bar("chart-district", data.districts.map(function (r) { return r.district; }), data.districts.map(function (r) { return r.n; }));
});
