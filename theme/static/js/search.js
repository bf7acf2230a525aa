/* Site search with Pagefind: runs in the browser, no server needed.
   Without JavaScript the header keeps its plain link to the article listing. */
(function () {
  "use strict";
  var root = document.querySelector("[data-search]");
  if (!root) { return; }
  var bundle = root.getAttribute("data-bundle");
  var limit = parseInt(root.getAttribute("data-limit"), 10) || 8;
  var plural = new Intl.PluralRules(document.documentElement.lang || undefined);
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

  /* "12 articles found." in the page language, with the catalog's plural forms. */
  function found(total) {
    var message = root.getAttribute("data-found-" + plural.select(total)) ||
      root.getAttribute("data-found-other");
    return message.replace("{count}", String(total));
  }

  function render(items, total, query) {
    results.replaceChildren();
    if (!query) { return; }
    var status = document.createElement("p");
    status.className = "search-status";
    if (!total) {
      status.textContent = root.getAttribute("data-empty");
    } else if (total > items.length) {
      status.textContent = found(total) + " " + root.getAttribute("data-shown");
    } else {
      status.textContent = found(total);
    }
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
    if (!query) { render([], 0, ""); return; }
    load().then(function (module) {
      return module.debouncedSearch(query, {}, 200);
    }).then(function (response) {
      if (!response || ticket !== latest) { return null; }
      /* Load the data of the first few only; the count is of every match. */
      var first = response.results.slice(0, limit).map(function (r) { return r.data(); });
      return Promise.all(first).then(function (items) {
        return { items: items, total: response.results.length };
      });
    }).then(function (result) {
      if (result && ticket === latest) { render(result.items, result.total, query); }
    });
  }

  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", search);
  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
})();
