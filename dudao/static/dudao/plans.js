// Plans and tasks: show only the fields that apply to the chosen level (new plan) or target (prescribe).
(function () {
  function fieldBlock(form, name) {
    var input = form.querySelector("[name=" + name + "]");
    if (!input) return null;
    return input.closest("[data-field]") || input.closest(".mb-3");
  }
  function toggle(form, selector, rules) {
    var chosen = form.querySelector(selector + ":checked") || form.querySelector("select" + selector);
    var value = chosen ? chosen.value : "";
    Object.keys(rules).forEach(function (name) {
      var block = fieldBlock(form, name);
      if (block) block.hidden = rules[name].indexOf(value) < 0;
    });
  }
  function wire(form, selector, rules) {
    if (!form) return;
    var run = function () { toggle(form, selector, rules); };
    form.addEventListener("change", run);
    run();
  }
  document.addEventListener("DOMContentLoaded", function () {
    wire(document.querySelector("[data-plan-form]"), "[name=level]",
      { office: ["office"], zone: ["zone"], inspector: ["inspector"] });
    wire(document.querySelector("[data-prescribe-form]"), "[name=target]",
      { zone: ["zone"], inspectors: ["inspectors"], office: ["office"] });
  });
})();
