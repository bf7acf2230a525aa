/* Counts one page view per page shown, for the sales desk: which articles bring readers.
   It sends the page's path, language, the referring site's host name, the page's UTM
   source/medium/campaign and a coarse screen class (s, m, l) with navigator.sendBeacon to
   the forms service (data-beacon). No cookie, no localStorage, no identifier: the service
   tells visitors apart for one day only, by a hash it cannot recompute the next day.

   When a view counts:
   - a page shown to the reader counts once, when the script first runs;
   - a page prerendered (document.prerendering) counts when it is shown (prerenderingchange),
     and not at all if the reader never opens it;
   - a page restored from the back/forward cache (pageshow with persisted) counts once more:
     the reader came back to it, as with a reload. Same day, same visitor: no new visitor.
   - Global Privacy Control (navigator.globalPrivacyControl) sends nothing; without
     JavaScript nothing is counted. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-beacon");
  if (!url || navigator.globalPrivacyControl) return;

  function screenClass() {
    var width = window.innerWidth || document.documentElement.clientWidth;
    return width < 640 ? "s" : width < 1024 ? "m" : "l";
  }

  function referrerHost() {
    try {
      var host = document.referrer ? new URL(document.referrer).host : "";
      return host === location.host ? "" : host;
    } catch (error) {
      return "";
    }
  }

  function view() {
    var query = new URLSearchParams(location.search);
    var data = {
      path: location.pathname,
      lang: document.documentElement.lang,
      ref: referrerHost(),
      screen: screenClass()
    };
    ["utm_source", "utm_medium", "utm_campaign"].forEach(function (name) {
      var value = (query.get(name) || "").trim().slice(0, 100);
      if (value) data[name] = value;
    });
    return JSON.stringify(data);
  }

  function send() {
    var body = view();
    if (navigator.sendBeacon && navigator.sendBeacon(url, body)) return;
    if (window.fetch) {
      fetch(url, { method: "POST", body: body, keepalive: true, credentials: "omit" })
        .catch(function () {});
    }
  }

  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) send();
  });
})();
