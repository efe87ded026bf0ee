// The school at a glance and the compare page: the radar's long indicator names wrap, and its
// tooltip lists each indicator's share of the standard. dudao.js draws the chart from its
// json_script data and announces it with "dudao:chart".
(function () {
  function wrap(name, width) {
    var lines = [];
    for (var i = 0; i < name.length; i += width) lines.push(name.slice(i, i + width));
    return lines.join("\n");
  }
  document.addEventListener("dudao:chart", function (e) {
    if (e.target.dataset.chart !== "portrait-radar") return;
    var chart = e.detail.chart;
    var encode = window.echarts.format.encodeHTML;
    var names = chart.getOption().radar[0].indicator.map(function (i) { return i.name; });
    chart.setOption({
      radar: { axisName: { formatter: function (name) { return wrap(name, 9); } } },
      tooltip: { formatter: function (p) {
        var rows = names.map(function (name, k) {
          var v = p.value[k];
          return encode(name) + ": " + (v === null || v === undefined ? "—" : encode(String(v)) + "%");
        });
        return "<b>" + encode(p.name) + "</b><br>" + rows.join("<br>");
      } },
    });
  });
})();
