// Pickers (core/widgets/picker.html): a search box that asks the site for matching schools or
// inspectors in the user's scope and puts the chosen one's id in the hidden input of the filter.
(function () {
  function setup(box) {
    if (box.dataset.pickerReady) return;
    box.dataset.pickerReady = "1";
    var value = box.querySelector("[data-picker-value]");
    var text = box.querySelector("[data-picker-text]");
    var list = box.querySelector("[data-picker-list]");
    var timer = null, asked = 0;

    function close() { list.classList.remove("show"); text.setAttribute("aria-expanded", "false"); }
    function choose(id, label) {
      value.value = id;
      text.value = label;
      close();
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function show(results) {
      list.replaceChildren();
      results.forEach(function (row) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "dropdown-item";
        button.setAttribute("role", "option");
        button.textContent = row.label;
        button.addEventListener("click", function () { choose(String(row.id), row.label); });
        item.appendChild(button);
        list.appendChild(item);
      });
      list.classList.toggle("show", results.length > 0);
      text.setAttribute("aria-expanded", results.length > 0 ? "true" : "false");
    }
    function ask() {
      var mine = ++asked;
      fetch(box.dataset.picker + "?q=" + encodeURIComponent(text.value.trim()), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (mine === asked) show(data.results); });
    }
    text.addEventListener("input", function (e) {
      e.stopPropagation();  // the filter form reacts to the chosen id, not to each key
      if (!text.value.trim() && value.value) { choose("", ""); return; }
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    text.addEventListener("change", function (e) { e.stopPropagation(); });
    text.addEventListener("focus", function () { if (!list.children.length) ask(); });
    text.addEventListener("keydown", function (e) {
      if (e.key === "Escape") close();
      if (e.key === "Enter" && list.classList.contains("show")) {
        e.preventDefault();
        var first = list.querySelector("button");
        if (first) first.click();
      }
    });
    document.addEventListener("click", function (e) { if (!box.contains(e.target)) close(); });
  }
  function setupAll(root) { root.querySelectorAll("[data-picker]").forEach(setup); }
  document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  document.addEventListener("htmx:load", function (e) { setupAll(e.target); });
})();
