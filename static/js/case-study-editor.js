/* Live preview for the case-study editor: after a pause in typing, the form is sent to the
   server, which renders it with the same templates, Markdown renderer and sanitiser as the
   published page. Without this script the Preview button does the same with a page load. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  var target = document.getElementById("preview");
  if (!form || !target || !window.fetch || !window.FormData) { return; }
  var timer = null;
  var latest = 0;

  function refresh() {
    var data = new FormData(form);
    data.delete("cover_upload"); // images are uploaded when the form is saved, not for a preview
    data.set("action", "preview");
    var ticket = ++latest;
    fetch(form.getAttribute("data-preview-url"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || ticket !== latest) { return; } // an older answer arriving late
        target.innerHTML = html; // server-rendered and sanitised, as on the published page
        target.hidden = false;
      })
      .catch(function () { /* offline: the Preview button still works */ });
  }

  function later(event) {
    if (event.target && event.target.type === "file") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
