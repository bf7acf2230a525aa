/* The forms service's meeting page: ask in a dialog before cancelling. Without this script
   the cancel button posts, and the service answers with a page that asks the same. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-ask]").forEach(function (form) {
    var dialog = document.getElementById(form.dataset.ask);
    if (!dialog || typeof dialog.showModal !== "function") return;
    var opener = form.querySelector("button[type=submit]");
    var keep = dialog.querySelector("[data-keep]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      dialog.showModal();
      keep.focus();  // the safe answer first
    });
    keep.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { opener.focus(); });
  });
})();
