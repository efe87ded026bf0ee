// Results of an evaluation: distribution of totals, self-assessment vs. rated totals, and the
// first-level indicators of the units compared. Data come from the json_script "evaluation-chart".
(function () {
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return;
    var chart = echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("evaluation-chart");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    draw("chart-distribution", {
      tooltip: {}, grid: { left: 40, right: 10, bottom: 40 },
      xAxis: { type: "category", data: data.distribution.labels, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: data.distribution.counts }]
    });
    draw("chart-gaps", {
      tooltip: { trigger: "axis" }, legend: {}, grid: { left: 40, right: 10, bottom: 60 },
      xAxis: { type: "category", data: data.units, axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: [
        { name: source.dataset.selfLabel || "自评", type: "bar", data: data.self_totals },
        { name: source.dataset.ratedLabel || "评估", type: "bar", data: data.totals }
      ]
    });
    draw("chart-indicators", {
      tooltip: { trigger: "axis" }, legend: { type: "scroll" }, grid: { left: 40, right: 10, bottom: 80 },
      xAxis: { type: "category", data: data.indicators, axisLabel: { rotate: 20 } },
      yAxis: { type: "value" },
      series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    });
  });
})();
