// The one chart helper (ECharts, served by the application — never a CDN).
//
// Pages describe charts, they do not script them: a view builds a spec with casewatch.core.charts
// (bars, lines, pie, area_map) and the template places it with {% chart "id" spec label %}, which
// writes <div class="chart" data-chart="id-spec"> and a json_script block. On DOMContentLoaded
// this file draws every [data-chart] container from its spec; the rules a spec follows (readable
// series names, ordered categories, translated labels, the as-of day) are made on the server,
// and kept here too for specs built by hand. A drawn container gets data-ready="1".
//
// cwChart.draw(id, option) / bar / pie / data remain for the pages that still build their own
// ECharts option (surveys results); new pages should use a spec.
(function () {
  var BLUE = "#0b3d91", PALETTE = [BLUE, "#f0a000", "#116329", "#b3261e", "#6b4fa0", "#00838f", "#8d6e63"];

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function element(target) {
    return typeof target === "string" ? document.getElementById(target) : target;
  }

  function draw(target, option) {
    var el = element(target);
    if (!el || typeof echarts === "undefined") { return null; }
    if (!el.hasAttribute("role")) { el.setAttribute("role", "img"); }
    var chart = echarts.getInstanceByDom(el) || echarts.init(el);
    chart.setOption(option, true);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  // Never "null" or "undefined" as a series or category name.
  function name(v) {
    return v === null || v === undefined || String(v).trim() === "" || v === "null" ? "—" : String(v);
  }

  function title(spec) {
    if (!spec.title && !spec.asOf) { return undefined; }
    return { text: spec.title || "", subtext: spec.asOf || "", left: 8, top: 0,
             textStyle: { fontSize: 14 }, subtextStyle: { fontSize: 12, color: "#555" } };
  }

  function top(spec) { return (spec.title ? 24 : 0) + (spec.asOf ? 20 : 0) + 12; }

  function pct(spec) { return spec.percent ? "{c}%" : "{c}"; }

  function barOption(spec) {
    var cats = (spec.categories || []).map(name), series = spec.series || [];
    var named = series.some(function (s) { return s.name; });
    var valueAxis = { type: "value", max: spec.max, axisLabel: spec.percent ? { formatter: "{value}%" } : {} };
    var catAxis = { type: "category", data: cats, inverse: !!spec.horizontal };
    return {
      title: title(spec),
      color: PALETTE,
      tooltip: { trigger: "axis" },
      legend: named ? { bottom: 0, type: "scroll" } : undefined,
      grid: { left: 8, right: 48, top: top(spec), bottom: named ? 32 : 8, containLabel: true },
      xAxis: spec.horizontal ? valueAxis : catAxis,
      yAxis: spec.horizontal ? catAxis : valueAxis,
      series: series.map(function (s, k) {
        var line = s.line || spec.kind === "line";
        return {
          name: named ? name(s.name) : undefined,
          type: line ? "line" : "bar",
          stack: spec.stacked ? "all" : undefined,
          data: s.data,
          itemStyle: { color: PALETTE[k % PALETTE.length] },
          label: { show: !spec.stacked && series.length < 3, position: spec.horizontal ? "right" : "top", formatter: pct(spec) }
        };
      })
    };
  }

  function pieOption(spec) {
    return {
      title: title(spec),
      color: PALETTE,
      tooltip: { trigger: "item", formatter: spec.percent ? "{b}: {c}%" : "{b}: {c} ({d}%)" },
      series: [{ type: "pie", radius: ["35%", "65%"], top: top(spec),
                 data: (spec.rows || []).map(function (r) { return { name: name(r.name), value: r.value }; }) }]
    };
  }

  function mapOption(spec) {
    return {
      title: title(spec),
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var d = p.data || {};
          var v = d.value === null || d.value === undefined ? "—" : d.value + (spec.percent ? "%" : "");
          return p.name + "<br>" + v + (d.tip ? "<br>" + d.tip : "");
        }
      },
      visualMap: { min: 0, max: spec.max || 100, left: 8, bottom: 8, calculable: true,
                   text: spec.percent ? ["100%", "0%"] : undefined,
                   inRange: { color: ["#b3261e", "#e0a800", "#116329"] } },
      series: [{ type: "map", map: spec.map, roam: false, top: top(spec) + 8, label: { show: true, fontSize: 10 },
                 data: spec.rows || [] }]
    };
  }

  // A map whose file did not load is drawn as bars of the same rows (nothing stays blank).
  function asBars(spec) {
    var rows = spec.rows || [];
    return barOption({ kind: "bar", horizontal: true, percent: spec.percent, max: spec.max, title: spec.title, asOf: spec.asOf,
                       categories: rows.map(function (r) { return r.name; }),
                       series: [{ name: "", data: rows.map(function (r) { return r.value; }) }] });
  }

  function render(target, spec) {
    var el = element(target);
    if (!el || !spec) { return null; }
    var hasMap = spec.kind === "map" && echarts.getMap && echarts.getMap(spec.map);
    var empty = spec.kind === "pie" || spec.kind === "map" ? !(spec.rows || []).length : !(spec.categories || []).length;
    var option = empty ? { title: { text: spec.empty || "—", subtext: spec.asOf || "", left: "center", top: "middle",
                                    textStyle: { fontSize: 14, color: "#555" } } }
      : spec.kind === "pie" ? pieOption(spec) : spec.kind === "map" ? (hasMap ? mapOption(spec) : asBars(spec)) : barOption(spec);
    var chart = draw(el, option);
    if (!chart) { return null; }
    chart.on("click", function (p) {
      var link = (p.data && p.data.link) || (spec.links && spec.links[p.dataIndex]);
      if (link) { window.location.href = link; }
    });
    el.setAttribute("data-ready", spec.kind === "map" && !hasMap ? "bars" : "1");
    return chart;
  }

  // Shorthands kept for pages that build their own option.
  function bar(id, labels, values, opts) {
    opts = opts || {};
    return render(id, { kind: "bar", horizontal: true, max: opts.max, categories: labels, series: [{ name: "", data: values }] });
  }
  function pie(id, rows) { return render(id, { kind: "pie", rows: rows }); }

  function renderAll() {
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) { render(el, data(el.dataset.chart)); });
  }

  window.cwChart = { data: data, draw: draw, render: render, bar: bar, pie: pie, renderAll: renderAll };
  document.addEventListener("DOMContentLoaded", renderAll);
})();
