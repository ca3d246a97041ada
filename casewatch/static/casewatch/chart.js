// One chart helper for every page (ECharts, served by the application): draw an option into an
// element by id, resize it with the window, name it for screen readers; bar() and pie() are the
// shapes most pages use; data() reads a json_script block. Pages load this before their own script.
(function () {
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") { return null; }
    if (!el.hasAttribute("role")) { el.setAttribute("role", "img"); }
    var chart = echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }
  // Horizontal bars: labels down the side, the largest first when the caller sorted them so.
  function bar(id, labels, values, opts) {
    opts = opts || {};
    return draw(id, {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "value", max: opts.max },
      yAxis: { type: "category", data: labels, inverse: true },
      series: [{ type: "bar", data: values, itemStyle: { color: opts.color || "#0b3d91" }, label: { show: true, position: "right" } }]
    });
  }
  // A ring of shares: rows are {name, value}.
  function pie(id, rows) {
    return draw(id, { tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "65%"], data: rows }] });
  }
  window.cwChart = { data: data, draw: draw, bar: bar, pie: pie };
})();
