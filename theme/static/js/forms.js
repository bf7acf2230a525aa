/* E-book form: send with fetch and show the service's answer inline (form-common.js).
   Without this script the form still posts and the service answers with pages. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-ebook-form]").forEach(function (form) {
    // The service's messages replace the browser's own bubbles.
    form.noValidate = true;
    form.elements.referrer.value = document.referrer;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      form.elements.referrer.value = document.referrer;
      window.NormkraftForms.send(form, {
        prefix: "ebook",
        fields: ["name", "email", "consent"],
        status: form.querySelector("#ebook-message")
      });
    });
  });
})();
