// Small behaviours the server cannot do. No eval, no inline handlers: the CSP forbids them.
(function () {
  "use strict";

  function showRequestError(message) {
    var box = document.getElementById("request-error");
    if (!box) { return; }
    box.textContent = message;
    box.hidden = false;
  }

  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("request-error");
    if (box) { box.hidden = true; }
  });

  // htmx does not swap 4xx/5xx answers; tell the person instead of failing silently.
  document.addEventListener("htmx:responseError", function () {
    showRequestError(document.body.dataset.errorMessage);
  });
  document.addEventListener("htmx:sendError", function () {
    showRequestError(document.body.dataset.offlineMessage);
  });
})();
