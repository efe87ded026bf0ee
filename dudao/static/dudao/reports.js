// Draft a report: show only the subject field of the chosen level and the period fields of the chosen kind.
(function () {
  function block(form, name) {
    var input = form.querySelector("[name=" + name + "]");
    return input ? input.closest(".mb-3") : null;
  }
  function show(form, driver, rules) {
    var select = form.querySelector("[name=" + driver + "]");
    var value = select ? select.value : "";
    Object.keys(rules).forEach(function (name) {
      var b = block(form, name);
      if (b) b.hidden = rules[name].indexOf(value) < 0;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-report-form]");
    if (!form) return;
    var run = function () {
      show(form, "level", { inspector: ["inspector"], zone: ["zone"], office: ["office"] });
      show(form, "period_kind", { month: ["month"], year: ["term", "year"], term: ["term"] });
    };
    form.addEventListener("change", run);
    run();
  });
})();
