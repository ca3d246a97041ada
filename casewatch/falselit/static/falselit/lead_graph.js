// The relationship graph of a false-litigation lead (ECharts force layout); data from the
// json_script element "fl-graph-data" (labels already masked by the view).
(function () {
  var data = JSON.parse(document.getElementById("fl-graph-data").textContent);
  var cats = ["case", "person", "organisation", "agent", "phone", "address"];
  var el = document.getElementById("fl-graph");
  el.style.height = "520px";
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {formatter: function (p) { return p.dataType === "edge" ? p.data.label.formatter : p.data.name; }},
    legend: [{data: cats}],
    series: [{type: "graph", layout: "force", roam: true, draggable: true, force: {repulsion: 180, edgeLength: 90},
      categories: cats.map(function (c) { return {name: c}; }),
      label: {show: true, position: "right", fontSize: 10},
      edgeLabel: {show: true, fontSize: 9, formatter: function (p) { return p.data.text; }},
      data: data.nodes.map(function (n) { return {id: n.id, name: n.label, category: Math.max(0, cats.indexOf(n.kind)), symbolSize: n.kind === "case" ? 14 : 10}; }),
      links: data.edges.map(function (e) { return {source: e.source, target: e.target, text: e.label, label: {formatter: e.label}}; })
    }]
  });
})();
