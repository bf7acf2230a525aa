/* E-book form: send with fetch and show the service's answer inline.
   Without this script the form still posts and the service answers with pages. */
(function () {
  "use strict";
  var loadedAt = Date.now();

  function setFieldError(form, name, messages) {
    var input = form.elements[name];
    var box = form.querySelector("#ebook-" + name + "-error");
    if (!input || !box) return;
    if (messages && messages.length) {
      box.textContent = messages.join(" ");
      box.hidden = false;
      input.setAttribute("aria-invalid", "true");
    } else {
      box.textContent = "";
      box.hidden = true;
      input.removeAttribute("aria-invalid");
    }
  }

  function showMessage(form, text, ok) {
    var box = form.querySelector("#ebook-message");
    box.textContent = text;
    box.classList.toggle("is-success", ok);
    box.classList.toggle("is-error", !ok);
  }

  function getToken(form) {
    return fetch(form.dataset.csrfUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("csrf " + response.status);
      return response.json();
    }).then(function (data) { return data.csrf_token; });
  }

  function submit(form, event) {
    event.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    form.elements.page_url.value = window.location.href;
    form.elements.referrer.value = document.referrer;
    form.elements.elapsed.value = String(Date.now() - loadedAt);
    var fields = ["name", "email", "consent"];
    getToken(form).then(function (token) {
      return fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token },
        body: new URLSearchParams(new FormData(form))
      });
    }).then(function (response) {
      return response.json().catch(function () { return null; });
    }).then(function (data) {
      if (!data || typeof data.message !== "string") throw new Error("no answer");
      var errors = data.errors || {};
      var first = null;
      fields.forEach(function (name) {
        setFieldError(form, name, errors[name]);
        if (errors[name] && !first) first = form.elements[name];
      });
      showMessage(form, data.message, data.ok);
      if (data.ok) {
        form.reset();
        form.querySelector("#ebook-message").focus();
      } else if (first) {
        first.focus();
      } else {
        form.querySelector("#ebook-message").focus();
      }
    }).catch(function () {
      showMessage(form, form.dataset.errorMessage, false);
      form.querySelector("#ebook-message").focus();
    }).then(function () {
      delete form.dataset.busy;
      button.disabled = false;
    });
  }

  document.querySelectorAll("form[data-ebook-form]").forEach(function (form) {
    // The service's messages replace the browser's own bubbles.
    form.noValidate = true;
    form.addEventListener("submit", function (event) { submit(form, event); });
  });
})();
