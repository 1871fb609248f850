// A slip's QR code or an online code carries the code after "#", which browsers never send to
// the server (so no log line holds it): copy it into the form, clear the address, and go on.
(function () {
  var code = decodeURIComponent(window.location.hash.slice(1));
  var field = document.getElementById("code");
  if (!code || !field) return;
  field.value = code;
  history.replaceState(null, "", window.location.pathname);
  document.getElementById("code-form").submit();
})();
