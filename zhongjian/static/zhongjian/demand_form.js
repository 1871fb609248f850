// The demand form shows only the details of the chosen kind (a static file: the CSP allows no
// inline script).
(function () {
  "use strict";
  function init() {
    var kind = document.getElementById("id_kind");
    if (!kind) { return; }
    function show() {
      document.querySelectorAll(".kind-details").forEach(function (box) {
        box.hidden = box.dataset.kind !== kind.value;
      });
    }
    kind.addEventListener("change", show);
    show();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
