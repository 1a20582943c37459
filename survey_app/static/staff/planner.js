// Planner pages, progressive enhancement (a static file: no inline script, strict CSP).
// Without JavaScript the measure form ("Show") and the column links work as plain GETs.
// With it, choosing a measure or sorting fetches the same page and swaps the map and
// table in place (the address bar follows, so links and the back button keep working).
(function () {
  "use strict";

  function swap(url, push) {
    var area = document.getElementById("results-area");
    if (!area || !window.fetch || !window.DOMParser) { window.location.href = url; return; }
    area.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("results-area");
        if (!fresh) { throw new Error("no results area"); }
        area.replaceWith(fresh);
        ["sort", "order"].forEach(function (name) {
          var now = page.querySelector("form[data-autosubmit] input[name='" + name + "']");
          var here = document.querySelector("form[data-autosubmit] input[name='" + name + "']");
          if (now && here) { here.value = now.value; }
        });
        if (push) { window.history.pushState({ planner: true }, "", url); }
        document.title = page.title;
      })
      .catch(function () { window.location.href = url; });
  }

  function formUrl(form) {
    var params = new URLSearchParams(new FormData(form));
    return form.getAttribute("action") + "?" + params.toString();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-autosubmit]");
    if (!form) { return; }
    form.addEventListener("change", function () { swap(formUrl(form), true); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      swap(formUrl(form), true);
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("#results-area thead a") : null;
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      event.preventDefault();
      swap(link.href, true);
    });
    window.addEventListener("popstate", function () { window.location.reload(); });
  });
})();
