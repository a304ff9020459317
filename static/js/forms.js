// Forms: filter forms that show what their URL says, length counters, the required fields' note. No eval, no inline
// handlers: the CSP forbids them.
(function () {
  "use strict";

  // A list's filter form (a GET form whose action is this page) shows the state of the URL. After Back, the browser
  // (or htmx's history cache) restores the page as it was first drawn, or with the fields' last values, while the
  // URL and the results are those of another search: read the fields from the URL again.
  function restoreFilters() {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll("form[method=get]").forEach(function (form) {
      if (new URL(form.action, window.location.href).pathname !== window.location.pathname) { return; }
      Array.prototype.forEach.call(form.elements, function (element) {
        if (!element.name || element.type === "submit" || element.type === "button" || element.type === "hidden") {
          return;
        }
        var values = params.getAll(element.name);
        if (element.type === "checkbox" || element.type === "radio") {
          element.checked = values.indexOf(element.value) !== -1;
        } else if (element.tagName === "SELECT") {
          var wanted = values.length ? values[0] : "";
          var option = Array.prototype.find.call(element.options, function (o) { return o.value === wanted; });
          if (option) {
            element.value = wanted;
          } else if (!values.length) { // no value in the URL: the option the page was drawn with
            Array.prototype.forEach.call(element.options, function (o) { o.selected = o.defaultSelected; });
          }
        } else {
          element.value = values.length ? values[0] : "";
        }
      });
    });
  }

  // "120 / 500" under a field with a length limit: always for a text area, for a one-line field once it is nearly
  // full. Over the limit the counter says so (the server refuses the text with a message; nothing is cut).
  function updateCounter(field) {
    var counter = document.getElementById(field.id + "-count");
    var limit = parseInt(field.dataset.maxlength, 10);
    if (!counter || !limit) { return; }
    var length = field.value.length;
    counter.textContent = length + " / " + limit;
    counter.classList.toggle("over-limit", length > limit);
    if (field.tagName !== "TEXTAREA") { counter.hidden = length < limit * 0.8; }
  }

  function setUp(root) {
    root.querySelectorAll("[data-maxlength]").forEach(updateCounter);
    // The note explaining the * of required fields, drawn with the form's first required field, goes to the top.
    root.querySelectorAll(".field > .required-note").forEach(function (note) {
      var form = note.closest("form");
      if (form) { form.insertBefore(note, form.firstElementChild); }
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.maxlength) { updateCounter(event.target); }
  });
  document.addEventListener("DOMContentLoaded", function () { setUp(document); restoreFilters(); });
  document.addEventListener("htmx:afterSettle", function (event) { setUp(event.target); });
  document.addEventListener("htmx:historyRestore", restoreFilters);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { restoreFilters(); } });
  window.addEventListener("popstate", function () { window.setTimeout(restoreFilters, 0); });
})();
