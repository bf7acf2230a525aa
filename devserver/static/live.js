// `make run` only: reload the page after each rebuild, and show a failed build over it.
// The devserver adds this script to the pages it serves; built files never contain it.
(function () {
  "use strict";
  var script = document.currentScript;
  var servedGeneration = script.dataset.generation;
  var url = script.dataset.events + "?lang=" + encodeURIComponent(document.documentElement.lang);
  var source = new EventSource(url);
  var host = null;

  source.addEventListener("build", function (event) {
    var build = JSON.parse(event.data);
    if (build.problems.length) {
      show(build);
    } else if (String(build.generation) !== servedGeneration) {
      source.close();
      window.location.reload();
    } else {
      hide();
    }
  });

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function show(build) {
    hide();
    host = element("div");
    host.id = "devserver-overlay";
    var root = host.attachShadow({ mode: "open" });
    var style = element("style");
    style.textContent =
      ".overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
      "background:rgba(20,24,28,.92);color:#f4f4f4;font:16px/1.5 system-ui,sans-serif}" +
      ".panel{max-width:60rem;margin:0 auto;background:#1d2329;border-top:6px solid #e5484d;" +
      "padding:1.5rem 2rem;border-radius:4px}" +
      "h2{margin:0 0 1rem;font-size:1.4rem}" +
      "ol{margin:0;padding-left:1.2rem}li{margin:0 0 1rem}" +
      ".file{font:600 15px/1.4 ui-monospace,monospace;color:#ffd479}" +
      ".message{margin:.25rem 0 0;white-space:pre-wrap;font-family:ui-monospace,monospace}" +
      ".hint{margin:1.5rem 0 0;color:#c9d1d9}";
    var overlay = element("div", "overlay");
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-labelledby", "devserver-title");
    var panel = element("div", "panel");
    var title = element("h2", "", build.labels.title);
    title.id = "devserver-title";
    panel.appendChild(title);
    var list = element("ol");
    build.problems.forEach(function (problem) {
      var item = element("li", "problem");
      var where = problem.file || "";
      if (problem.line) where += (where ? ", " : "") + build.labels.line.replace("%(line)s", problem.line);
      if (where) item.appendChild(element("div", "file", where));
      item.appendChild(element("p", "message", problem.message));
      list.appendChild(item);
    });
    panel.appendChild(list);
    panel.appendChild(element("p", "hint", build.labels.hint));
    overlay.appendChild(panel);
    root.appendChild(style);
    root.appendChild(overlay);
    document.documentElement.appendChild(host);
  }

  function hide() {
    if (host) host.remove();
    host = null;
  }
})();
