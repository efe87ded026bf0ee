// Assessment profile: the radar chart's labels wrap so long indicator names stay readable; the
// charts themselves are drawn by dudao.js from their json_script data.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("assessment-radar");
    if (!data || !window.echarts) return;
    var el = document.querySelector("[data-chart='assessment-radar']");
    var chart = el && window.echarts.getInstanceByDom(el);
    if (!chart) return;
    chart.setOption({ radar: { axisName: { formatter: function (name) { return name.length > 6 ? name.slice(0, 6) + "\n" + name.slice(6) : name; } } } });
  });
})();
