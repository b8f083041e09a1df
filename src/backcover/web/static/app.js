// backcover: small progressive enhancements. The pages work without this file.
(function () {
  "use strict";
  // Upload progress: htmx reports xhr progress; show it in the <progress> next to the form.
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var form = evt.target.closest ? evt.target.closest("form") : null;
    if (!form) return;
    var bar = form.querySelector("progress");
    var label = form.querySelector("[data-progress-label]");
    if (!bar || !evt.detail.lengthComputable) return;
    var pct = Math.round((evt.detail.loaded / evt.detail.total) * 100);
    bar.value = pct;
    bar.hidden = false;
    if (label) label.textContent = pct < 100 ? "Uploading: " + pct + "%" : "Reading the records…";
  });
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var form = evt.target.closest ? evt.target.closest("form") : null;
    if (!form) return;
    var bar = form.querySelector("progress");
    if (bar) { bar.hidden = false; bar.removeAttribute("value"); }
    var label = form.querySelector("[data-progress-label]");
    if (label) label.textContent = "Starting the upload…";
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    var form = evt.target.closest ? evt.target.closest("form") : null;
    if (!form) return;
    var label = form.querySelector("[data-progress-label]");
    if (label) label.textContent = evt.detail.successful ? "Done." : "The upload did not work; see the message below.";
  });
  // htmx does not swap 4xx responses by default; our 4xx pages carry the error to show.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    if (evt.detail.xhr.status >= 400 && evt.detail.xhr.status < 500) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
  // Buttons that ask before destroying something.
  document.addEventListener("submit", function (evt) {
    var msg = evt.target.getAttribute && evt.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) evt.preventDefault();
  });
})();
