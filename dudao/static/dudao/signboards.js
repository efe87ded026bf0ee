// The list's filters change the address (HTMX pushes it) without reloading the page: a form
// marked data-with-list-query posts with the filters the list shows at the moment it is sent.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-with-list-query]");
  if (form) {
    const query = new URLSearchParams(window.location.search);
    query.delete("page");
    const rest = query.toString();
    form.action = form.dataset.action + (rest ? `?${rest}` : "");
  }
});
