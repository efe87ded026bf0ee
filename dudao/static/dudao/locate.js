// "Use my current location" on a form with latitude and longitude inputs (the school form).
// The browser asks the person's consent; the position is only written into the two inputs and
// leaves the device when the form is saved. Coordinates are WGS-84, as the browser gives them.
(function () {
  "use strict";
  if (!navigator.geolocation) return;
  document.querySelectorAll("[data-locate]").forEach(function (box) {
    var button = box.querySelector("[data-locate-button]");
    var status = box.querySelector("[data-locate-status]");
    var lat = document.querySelector(box.dataset.lat);
    var lon = document.querySelector(box.dataset.lon);
    if (!button || !lat || !lon) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = box.dataset.textWorking;
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lon.value = pos.coords.longitude.toFixed(6);
        status.textContent = box.dataset.textDone.replace("{accuracy}", String(Math.round(pos.coords.accuracy)));
        button.disabled = false;
      }, function (error) {
        status.textContent = box.dataset.textFailed.replace("{error}", error.message || String(error.code));
        button.disabled = false;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
    });
  });
})();
