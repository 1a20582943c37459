/* A page save is answered with the page the button leads to (no redirect), and
   so are the code (with the assent page) and the assent (with the first page):
   the address bar would still show the address that was sent to, and reloading
   would send its form again. Here the address becomes the shown page's own (the
   target of its form marked data-page-address), replacing the history entry:
   reloading shows the page, and "back" in the browser goes to the page before,
   as after a redirect. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-page-address]");
  if (!form || !window.history || !window.history.replaceState) { return; }
  var address = form.getAttribute("action");
  if (address && address !== window.location.pathname) {
    window.history.replaceState(null, "", address);
  }
})();
