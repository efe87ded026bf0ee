// Assessment profile: the radar chart's labels wrap so long indicator names stay readable; the
// charts themselves are drawn by dudao.js from their json_script data and announced by "dudao:chart".
document.addEventListener("dudao:chart", function (e) {
  if (e.target.dataset.chart !== "assessment-radar") return;
  e.detail.chart.setOption({ radar: { axisName: { formatter: function (name) {
    return name.length > 6 ? name.slice(0, 6) + "\n" + name.slice(6) : name;
  } } } });
});
