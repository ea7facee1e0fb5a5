// Progressive enhancement for the browse pages; everything works without it.
(function () {
  "use strict";

  // Filter a long facet's options as the visitor types ("Ital" keeps Italy).
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function enhance(root) {
    root.querySelectorAll(".facet-find").forEach(function (box) {
      box.hidden = false;
    });
    root.querySelectorAll("[data-facet-find]").forEach(function (input) {
      if (input.dataset.enhanced) return;
      input.dataset.enhanced = "1";
      var facet = document.getElementById(input.dataset.facetFind);
      input.addEventListener("input", function () {
        var wanted = fold(input.value.trim());
        var more = facet.querySelector("details");
        if (more && wanted) more.open = true;
        facet.querySelectorAll(".facet-options li").forEach(function (item) {
          var label = fold(item.textContent);
          item.hidden = wanted !== "" && label.indexOf(wanted) === -1;
        });
      });
      // Typing in the finder is not a filter change: keep it from triggering a request.
      input.addEventListener("change", function (event) {
        event.stopPropagation();
      });
    });
    // With JavaScript the list updates as filters change; the button stays for keyboards.
  }

  // Leave empty parameters out of the URL, so permalinks stay short.
  document.addEventListener("htmx:configRequest", function (event) {
    var parameters = event.detail.parameters;
    var keys = parameters instanceof FormData ? Array.from(parameters.keys()) : Object.keys(parameters);
    keys.forEach(function (key) {
      var values = parameters instanceof FormData ? parameters.getAll(key) : [].concat(parameters[key]);
      var kept = values.filter(function (value) { return String(value).trim() !== ""; });
      if (parameters instanceof FormData) {
        parameters.delete(key);
        kept.forEach(function (value) { parameters.append(key, value); });
      } else if (kept.length === 0) {
        delete parameters[key];
      }
    });
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.detail.target.ownerDocument || document); });
})();
