/* Meeting booking: list free times in the visitor's time zone, book with fetch, answer inline.
   Without this script the form stays hidden and the page links to the service's own form. */
(function () {
  "use strict";
  var FIELDS = ["name", "email", "company", "phone", "message", "consent", "start"];

  function visitorZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "Europe/Stockholm";
    } catch (error) {
      return "Europe/Stockholm";
    }
  }

  function formatters(locale, zone) {
    return {
      key: new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }),
      day: new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: "long", day: "numeric", month: "long" }),
      time: new Intl.DateTimeFormat(locale, { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
      date: new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: "long", day: "numeric", month: "long", year: "numeric" })
    };
  }

  function groupByDay(slots, format) {
    var days = [];
    var index = {};
    slots.forEach(function (slot) {
      var start = new Date(slot.start);
      var key = format.key.format(start);
      if (!(key in index)) {
        index[key] = days.length;
        days.push({ key: key, label: format.day.format(start), slots: [] });
      }
      days[index[key]].slots.push({
        value: slot.start,
        label: format.time.format(start) + "\u2013" + format.time.format(new Date(slot.end))
      });
    });
    return days;
  }

  function Booking(form) {
    this.form = form;
    this.zone = visitorZone();
    this.format = formatters(form.dataset.locale, this.zone);
    this.select = form.querySelector("#booking-day");
    this.times = form.querySelector("[data-booking-times]");
    this.days = [];
    form.querySelector("[data-booking-zone]").textContent = this.zone;
    form.elements.tz.value = this.zone;
    form.noValidate = true;  // the service's messages replace the browser's bubbles
    form.hidden = false;
    var nojs = document.getElementById("booking-nojs");
    if (nojs) nojs.hidden = true;
    this.select.addEventListener("change", this.showTimes.bind(this));
    form.addEventListener("submit", this.submit.bind(this));
    this.load();
  }

  Booking.prototype.load = function (keepDay) {
    var self = this;
    return fetch(this.form.dataset.slotsUrl, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("slots " + response.status);
      return response.json();
    }).then(function (data) {
      self.days = groupByDay(data.slots || [], self.format);
      self.fillDays(keepDay);
    }).catch(function () {
      window.NormkraftForms.showMessage(
        self.form.querySelector("#booking-status"), self.form.dataset.errorMessage, false);
    });
  };

  Booking.prototype.fillDays = function (keepDay) {
    var select = this.select;
    select.textContent = "";
    if (!this.days.length) {
      var none = document.createElement("option");
      none.value = "";
      none.textContent = this.form.dataset.noTimes;
      select.appendChild(none);
    }
    this.days.forEach(function (day) {
      var option = document.createElement("option");
      option.value = day.key;
      option.textContent = day.label;
      select.appendChild(option);
    });
    if (keepDay && this.days.some(function (d) { return d.key === keepDay; })) {
      select.value = keepDay;
    }
    this.showTimes();
  };

  Booking.prototype.showTimes = function () {
    var key = this.select.value;
    var day = this.days.filter(function (d) { return d.key === key; })[0];
    var box = this.times;
    Array.prototype.slice.call(box.querySelectorAll("label")).forEach(function (label) {
      box.removeChild(label);
    });
    (day ? day.slots : []).forEach(function (slot, number) {
      var label = document.createElement("label");
      label.className = "booking-time";
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "start";
      input.value = slot.value;
      input.id = "booking-start-" + number;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + slot.label));
      box.appendChild(label);
    });
  };

  /* "Monday, March 30, 2026, 03:00–03:45 (America/New_York)": the booked time as the
     confirmation mail gives it, in the visitor's zone. */
  Booking.prototype.describe = function (start) {
    var slot = null;
    this.days.forEach(function (day) {
      day.slots.forEach(function (s) { if (s.value === start) slot = s; });
    });
    if (!slot) return "";
    return this.format.date.format(new Date(start)) + ", " + slot.label + " (" + this.zone + ")";
  };

  Booking.prototype.submit = function (event) {
    event.preventDefault();
    var self = this;
    var form = this.form;
    var chosen = form.querySelector("input[name=start]:checked");
    var booked = chosen ? this.describe(chosen.value) : "";
    window.NormkraftForms.send(form, {
      prefix: "booking",
      fields: FIELDS,
      status: form.querySelector("#booking-status"),
      input: function (name) { return name === "start" ? self.select : form.elements[name]; },
      after: function (data, httpStatus) {
        if (data.ok) {
          if (booked) {
            var status = form.querySelector("#booking-status");
            status.textContent = data.message + " " + form.dataset.bookedLabel + " " + booked + ".";
          }
          var day = self.select.value;
          form.elements.tz.value = self.zone;
          self.load(day);
        } else if (httpStatus === 409) {
          self.load(self.select.value);
        }
      }
    });
  };

  document.querySelectorAll("form[data-booking-form]").forEach(function (form) {
    new Booking(form);
  });
})();
