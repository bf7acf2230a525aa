/* Shared by the site's forms (forms.js, booking.js): send a form with fetch and a fresh CSRF
   token, then show the service's answer inline — field errors beside their fields, the message
   in the form's live region, focus on the first error or on the message. */
(function () {
  "use strict";
  if (window.NormkraftForms) return;

  /* The fill time counts from the reader's first touch of a form (focus, key, tap or
     autofill's input event), not from the page load: a page can sit open for minutes. */
  var TOUCH_EVENTS = ["focusin", "keydown", "pointerdown", "input", "change"];
  function watchFirstTouch(form) {
    if (form.dataset.touchWatched) return;
    form.dataset.touchWatched = "1";
    var touched = function () {
      if (!form.dataset.firstTouch) form.dataset.firstTouch = String(Date.now());
    };
    TOUCH_EVENTS.forEach(function (name) { form.addEventListener(name, touched, true); });
  }
  function fillTime(form) {
    var first = Number(form.dataset.firstTouch || Date.now());
    return String(Math.max(0, Date.now() - first));
  }

  /* A call to action that names its source article (?source=) also carries the UTM
     parameters this page was reached with, so a booking keeps its campaign. */
  function carryCampaign() {
    var here = new URLSearchParams(window.location.search);
    document.querySelectorAll("a[data-carry-utm]").forEach(function (link) {
      var url = new URL(link.href, window.location.href);
      here.forEach(function (value, key) {
        if (key.indexOf("utm_") === 0 && !url.searchParams.has(key)) url.searchParams.set(key, value);
      });
      link.href = url.toString();
    });
  }
  carryCampaign();

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
    if (form.elements.referrer) form.elements.referrer.value = document.referrer;
    form.elements.elapsed.value = fillTime(form);
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
      askToConfirm(form, data.confirm);
      if (data.ok) {
        form.reset();
        delete form.dataset.firstTouch;  // the next submission is a new fill
      }
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

  /* The service asks to confirm a submission that looked automated (sent very fast):
     the submit button then says so, and sending again carries the signed confirmation. */
  function askToConfirm(form, token) {
    var field = form.elements.confirm;
    var button = form.querySelector("button[type=submit]");
    if (!field || !button) return;
    if (!button.dataset.label) button.dataset.label = button.textContent;
    field.value = token || "";
    button.textContent = token ? form.dataset.confirmLabel : button.dataset.label;
  }

  document.querySelectorAll("form[data-csrf-url]").forEach(watchFirstTouch);

  window.NormkraftForms = { send: send, showMessage: showMessage, watch: watchFirstTouch };
})();
