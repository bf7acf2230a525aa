/* Shared by the site's forms (forms.js, booking.js): send a form with fetch and a fresh CSRF
   token, then show the service's answer inline — field errors beside their fields, the message
   in the form's live region, focus on the first error or on the message. */
(function () {
  "use strict";
  if (window.NormkraftForms) return;
  var loadedAt = Date.now();

  function setFieldError(form, prefix, name, messages, input) {
    var box = form.querySelector("#" + prefix + "-" + name + "-error");
    input = input || form.elements[name];
    if (!box) return;
    var invalid = Boolean(messages && messages.length);
    box.textContent = invalid ? messages.join(" ") : "";
    box.hidden = !invalid;
    if (input && input.setAttribute) {
      if (invalid) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }

  function showMessage(box, text, ok) {
    box.textContent = text;
    box.classList.toggle("is-success", ok);
    box.classList.toggle("is-error", !ok);
  }

  function token(url) {
    return fetch(url, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("csrf " + response.status);
      return response.json();
    }).then(function (data) { return data.csrf_token; });
  }

  /* options: prefix (id prefix), fields (names that can have errors), status (the live region),
     input(name) (the element to mark and focus for a field), after(data, httpStatus). */
  function send(form, options) {
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    form.elements.page_url.value = window.location.href;
    form.elements.elapsed.value = String(Date.now() - loadedAt);
    var inputFor = options.input || function (name) { return form.elements[name]; };
    var httpStatus = 0;
    token(form.dataset.csrfUrl).then(function (csrf) {
      return fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
        body: new URLSearchParams(new FormData(form))
      });
    }).then(function (response) {
      httpStatus = response.status;
      return response.json().catch(function () { return null; });
    }).then(function (data) {
      if (!data || typeof data.message !== "string") throw new Error("no answer");
      var errors = data.errors || {};
      var first = null;
      options.fields.forEach(function (name) {
        setFieldError(form, options.prefix, name, errors[name], inputFor(name));
        if (errors[name] && !first) first = inputFor(name);
      });
      showMessage(options.status, data.message, data.ok);
      if (data.ok) form.reset();
      if (options.after) options.after(data, httpStatus);
      (data.ok || !first ? options.status : first).focus();
    }).catch(function () {
      showMessage(options.status, form.dataset.errorMessage, false);
      options.status.focus();
    }).then(function () {
      delete form.dataset.busy;
      button.disabled = false;
    });
  }

  window.NormkraftForms = { send: send, showMessage: showMessage };
})();
