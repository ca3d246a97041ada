// Centre dashboard charts (data from the json_script block "property-charts"; shared helper casewatch/chart.js).
document.addEventListener("DOMContentLoaded", function () {
  var data = window.cwChart && cwChart.data("property-charts");
  if (!data) return;
  function bar(id, rows) {
    cwChart.bar(id, rows.map(function (r) { return r.name; }), rows.map(function (r) { return r.value; }));
  }
  cwChart.pie("chart-category", data.category);
  bar("chart-agency", data.agency);
  bar("chart-place", data.place);
  bar("chart-age", data.age);
});
