// Shows the message of a refused htmx request: DomainErrorMiddleware answers 4xx with an
// HX-Trigger "zj-error" event whose value is the Chinese message; htmx swaps nothing on 4xx.
(function () {
  "use strict";
  document.body.addEventListener("zj-error", function (event) {
    var page = document.querySelector("main.page");
    if (!page) { return; }
    var list = page.querySelector("ul.messages[data-htmx-errors]");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      list.dataset.htmxErrors = "";
      list.setAttribute("role", "alert");
      page.insertBefore(list, page.firstChild);
    }
    var item = document.createElement("li");
    item.className = "error";
    item.textContent = event.detail.value;
    list.replaceChildren(item);
    list.scrollIntoView({ block: "nearest" });
  });
})();
