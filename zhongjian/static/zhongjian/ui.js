// Small behaviours of every page, without inline scripts:
// - [data-confirm] on a form or button: a modal dialog says what will happen before it is done;
// - the phone menu button (.navtoggle) opens and closes the main navigation; its drop-down
//   groups (details.navgroup) open one at a time and close on Escape or a click elsewhere;
// - select[data-autosubmit] submits its form; [data-print] prints the page;
// - htmx: a 422 answer (a refused form, input kept, error beside the field) is swapped in,
//   and a later successful swap clears the old error messages.
(function () {
  "use strict";
  var dialog = null;
  var pending = null;

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm";
    dialog.setAttribute("aria-labelledby", "confirm-title");
    dialog.setAttribute("aria-describedby", "confirm-text");
    dialog.innerHTML =
      '<h2 id="confirm-title"></h2><p id="confirm-text"></p>' +
      '<div class="confirm-buttons"><button type="button" value="cancel" class="cancel"></button>' +
      '<button type="button" value="ok" class="danger ok"></button></div>';
    dialog.querySelector(".cancel").addEventListener("click", function () { dialog.close("cancel"); });
    dialog.querySelector(".ok").addEventListener("click", function () { dialog.close("ok"); });
    dialog.addEventListener("close", function () {
      var go = dialog.returnValue === "ok" && pending;
      var action = pending;
      pending = null;
      if (go) { action(); }
    });
    document.body.appendChild(dialog);
  }

  function ask(source, proceed) {
    if (!dialog) { buildDialog(); }
    var lang = document.documentElement.dataset;
    dialog.querySelector("#confirm-title").textContent = source.dataset.confirmTitle || lang.confirmTitle || "请确认";
    dialog.querySelector("#confirm-text").textContent = source.dataset.confirm;
    dialog.querySelector(".ok").textContent = source.dataset.confirmButton || lang.confirmOk || "确定";
    dialog.querySelector(".cancel").textContent = lang.confirmCancel || "取消";
    pending = proceed;
    dialog.returnValue = "";
    dialog.showModal();
    dialog.querySelector(".cancel").focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var source = submitter && submitter.dataset.confirm ? submitter : form.dataset.confirm ? form : null;
    if (!source || form.dataset.confirmed === "1") {
      delete form.dataset.confirmed;
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    ask(source, function () {
      form.dataset.confirmed = "1";
      if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
    });
  }, true);

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-confirm]");
    if (link) {
      event.preventDefault();
      ask(link, function () { window.location.href = link.href; });
      return;
    }
    var toggle = event.target.closest(".navtoggle");
    if (toggle) {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      document.body.classList.toggle("nav-open", open);
      return;
    }
    if (event.target.closest("[data-print]")) { window.print(); }
    closeNavGroups(event.target.closest("details.navgroup"));
  });

  // The navigation's drop-down menus: one open at a time; Escape or a click elsewhere closes
  // them (Escape gives the focus back to the menu's own entry).
  function closeNavGroups(except) {
    document.querySelectorAll("details.navgroup[open]").forEach(function (group) {
      if (group !== except) { group.open = false; }
    });
  }
  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("details.navgroup") && event.target.open) {
      closeNavGroups(event.target);
    }
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var group = document.activeElement && document.activeElement.closest("details.navgroup[open]");
    closeNavGroups(null);
    if (group) { group.querySelector("summary").focus(); }
  });

  // On a phone the list filters start folded, so that the list itself is on the first screen.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.matchMedia("(max-width: 760px)").matches) {
      document.querySelectorAll("details.filter-panel").forEach(function (panel) { panel.open = false; });
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) { event.target.form.submit(); }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.xhr.status < 400) {
      document.querySelectorAll("ul.messages").forEach(function (list) { list.remove(); });
    }
  });
})();
