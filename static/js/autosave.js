/* Keeps a half-answered form in this browser (localStorage) until it is accepted, so an
   expired session or a lost connection never eats a quiz or scorecard. Pages work without it. */
(function () {
  "use strict";
  if (!window.localStorage || !window.sessionStorage) { return; }
  var hasErrors = document.querySelector(".error-summary") !== null;
  // A draft is dropped only when the page says the server accepted the form
  // (a saved-answers message or a quiz result) — never on an error page.
  var submitted = sessionStorage.getItem("autosave-submitted");
  if (submitted && document.querySelector("[data-form-accepted], .flash-success")) {
    sessionStorage.removeItem("autosave-submitted");
    localStorage.removeItem(submitted);
  }
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var key = "autosave:" + form.getAttribute("data-autosave");
    var fields = function () { return form.querySelectorAll("input, textarea, select"); };
    function save() {
      var data = {};
      fields().forEach(function (el) {
        if (!el.name || el.type === "hidden" || el.type === "submit") { return; }
        if (el.type === "radio" || el.type === "checkbox") {
          if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
        } else { data[el.name] = [el.value]; }
      });
      try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full */ }
    }
    if (!hasErrors) { // with errors the server already shows what was sent
      var data = null;
      try { data = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { data = null; }
      if (data) {
        fields().forEach(function (el) {
          if (!el.name || el.type === "hidden") { return; }
          var values = data[el.name];
          if (el.type === "radio" || el.type === "checkbox") {
            if (values) { el.checked = values.indexOf(el.value) !== -1; }
          } else if (values) { el.value = values[0]; }
        });
      }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function () { sessionStorage.setItem("autosave-submitted", key); });
  });
})();

/* Print buttons (the print stylesheet lays the page out). They are hidden in the HTML and shown
   here, so that without JavaScript no button is shown that does nothing (the browser's own Print
   command still uses the print stylesheet). */
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});

/* A form sent back with errors: focus moves to its error summary (role=alert, tabindex=-1), so a
   screen reader reads it at once and the next Tab reaches its links to the fields. */
(function () {
  var summary = document.querySelector(".error-summary[tabindex='-1']");
  if (summary && !location.hash) { summary.focus(); }
})();
