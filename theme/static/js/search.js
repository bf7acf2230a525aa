/* Site search with Pagefind: runs in the browser, no server needed.
   Without JavaScript the header keeps its plain link to the article listing. */
(function () {
  "use strict";
  var root = document.querySelector("[data-search]");
  if (!root) { return; }
  var bundle = root.getAttribute("data-bundle");
  var pagefind = null;
  var form = document.createElement("form");
  form.setAttribute("role", "search");
  form.className = "search-form";
  form.innerHTML =
    '<label for="site-search-input"></label>' +
    '<input id="site-search-input" type="search" autocomplete="off" spellcheck="false">' +
    '<div class="search-results" aria-live="polite"></div>';
  form.querySelector("label").textContent = root.getAttribute("data-label");
  var input = form.querySelector("input");
  var results = form.querySelector(".search-results");
  root.replaceChildren(form);

  function load() {
    if (!pagefind) {
      pagefind = import(bundle + "pagefind.js").then(function (module) {
        return module.options({ excerptLength: 20 }).then(function () { return module; });
      });
    }
    return pagefind;
  }

  function render(items, query) {
    results.replaceChildren();
    if (!query) { return; }
    var status = document.createElement("p");
    status.className = "search-status";
    status.textContent = items.length
      ? root.getAttribute("data-found").replace("{count}", String(items.length))
      : root.getAttribute("data-empty");
    results.appendChild(status);
    if (!items.length) { return; }
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.meta && item.meta.title ? item.meta.title : item.url;
      var excerpt = document.createElement("p");
      excerpt.innerHTML = item.excerpt; /* Pagefind escapes the text and adds <mark> */
      li.appendChild(link);
      li.appendChild(excerpt);
      list.appendChild(li);
    });
    results.appendChild(list);
  }

  var latest = 0;
  function search() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) { render([], ""); return; }
    load().then(function (module) {
      return module.debouncedSearch(query, {}, 200);
    }).then(function (found) {
      if (!found || ticket !== latest) { return null; }
      return Promise.all(found.results.slice(0, 8).map(function (r) { return r.data(); }));
    }).then(function (items) {
      if (items && ticket === latest) { render(items, query); }
    });
  }

  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", search);
  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
})();
