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

  // Small screens: the results come first and the filters open in a dialog (issue 13). The
  // form stays the state: the dialog holds the facet panel itself, and "Show results" submits
  // the form, so the URL changes as with any filter. Choices in the dialog wait for that
  // button; closing it without applying puts the boxes back as the URL has them.
  function restore(panel) {
    panel.querySelectorAll("input, select").forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") field.checked = field.defaultChecked;
      else if (field.tagName === "SELECT") {
        Array.from(field.options).forEach(function (option) { option.selected = option.defaultSelected; });
      } else field.value = field.defaultValue;
    });
  }

  function openFilters(button) {
    var panel = document.getElementById(button.dataset.filtersOpen);
    var form = button.form;
    if (!panel || !form || typeof HTMLDialogElement !== "function") return;
    var home = panel.parentNode, next = panel.nextSibling;
    var dialog = document.createElement("dialog");
    dialog.className = "filters-dialog";
    dialog.setAttribute("aria-labelledby", panel.getAttribute("aria-labelledby"));
    var close = document.createElement("button");
    close.type = "button";
    close.className = "filters-close";
    close.textContent = button.dataset.closeLabel;
    var apply = document.createElement("button");
    apply.type = "submit";
    apply.className = "filters-apply";
    apply.textContent = button.dataset.applyLabel;
    var actions = document.createElement("div");
    actions.className = "filters-actions";
    actions.appendChild(apply);
    dialog.appendChild(close);
    dialog.appendChild(panel);
    dialog.appendChild(actions);
    form.appendChild(dialog);
    var applied = false;
    // A choice in the dialog is not applied until "Show results" (htmx listens on the form).
    dialog.addEventListener("change", function (event) { event.stopPropagation(); });
    close.addEventListener("click", function () { dialog.close(); });
    function submitted() {
      applied = true;
      if (dialog.open) dialog.close();
    }
    form.addEventListener("submit", submitted, true);
    dialog.addEventListener("close", function () {
      form.removeEventListener("submit", submitted, true);
      if (!applied) restore(panel);
      if (home.isConnected) home.insertBefore(panel, next && next.parentNode === home ? next : null);
      dialog.remove();
      if (button.isConnected) button.focus();
    });
    dialog.showModal();
    close.focus();
  }

  function enhanceFilters(root) {
    root.querySelectorAll("[data-filters-open]").forEach(function (button) {
      button.hidden = false;
      if (button.dataset.enhanced) return;
      button.dataset.enhanced = "1";
      button.addEventListener("click", function () { openFilters(button); });
    });
    document.documentElement.classList.add("filters-in-dialog");
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

  document.addEventListener("DOMContentLoaded", function () { enhance(document); enhanceFilters(document); });
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.detail.target.ownerDocument || document;
    enhance(root);
    enhanceFilters(root);
  });
})();
