// The progress board: Ningbo's districts coloured by rectification rate, and the monthly trend.
// ECharts and the map come from the application's own static files (no CDN).
document.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("board-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var mapEl = document.getElementById("board-map");
  if (mapEl && echarts.getMap && echarts.getMap("宁波")) {
    var chart = echarts.init(mapEl);
    chart.setOption({
      title: { text: mapEl.getAttribute("aria-label"), left: 8, top: 4, textStyle: { fontSize: 14 } },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var d = p.data || {};
          return p.name + "<br>" + (d.value == null ? "—" : d.value + "%") +
            "<br>" + (d.rectified || 0) + " / " + (d.found || 0) + (d.overdue ? " · " + d.overdue + " ⚠" : "");
        }
      },
      visualMap: {
        min: 0, max: 100, left: 8, bottom: 8, text: ["100%", "0%"], calculable: true,
        inRange: { color: ["#b3261e", "#e0a800", "#116329"] }
      },
      series: [{
        type: "map", map: "宁波", roam: false, label: { show: true, fontSize: 10 },
        data: data.map.map(function (d) { return { name: d.name, value: d.value, found: d.found, rectified: d.rectified, overdue: d.overdue, link: d.link }; })
      }]
    });
    chart.on("click", function (p) { if (p.data && p.data.link) { window.location.href = p.data.link; } });
    window.addEventListener("resize", function () { chart.resize(); });
    mapEl.setAttribute("data-ready", "1");
  }
  var trendEl = document.getElementById("board-trend");
  if (trendEl) {
    var trend = echarts.init(trendEl);
    trend.setOption({
      title: { text: trendEl.getAttribute("aria-label"), left: 8, top: 4, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 8, right: 16, top: 40, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: data.trend.months },
      yAxis: { type: "value" },
      series: [
        { name: trendEl.dataset.found || "found", type: "bar", data: data.trend.found, itemStyle: { color: "#0b3d91" } },
        { name: trendEl.dataset.rectified || "rectified", type: "line", data: data.trend.rectified, itemStyle: { color: "#116329" } }
      ]
    });
    window.addEventListener("resize", function () { trend.resize(); });
  }
});
