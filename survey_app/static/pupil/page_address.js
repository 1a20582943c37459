/* A page save is answered with the page the button leads to (no redirect), so
   the address bar would still show the page that was sent, and reloading would
   send its form again. Here the address becomes the shown page's own (the
   form's target), replacing the history entry: reloading shows the page, and
   "back" in the browser goes to the page before, as after a redirect. */
(function () {
  "use strict";
  var form = document.getElementById("page-form");
  if (!form || !window.history || !window.history.replaceState) { return; }
  var address = form.getAttribute("action");
  if (address && address !== window.location.pathname) {
    window.history.replaceState(null, "", address);
  }
})();
