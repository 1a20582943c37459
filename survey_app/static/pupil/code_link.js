/* The QR code on a slip opens the start page as ".../#code=K7QF-M2XP-9T".
   The fragment never reaches the server; here it fills in the code box and
   is removed from the address bar and the browser history at once, so the
   next pupil on the same tablet does not find it. */
(function () {
  "use strict";
  var match = /(?:^#|&)code=([^&]*)/.exec(window.location.hash || "");
  if (!match) { return; }
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  var code = "";
  try { code = decodeURIComponent(match[1]); } catch (error) { return; }
  code = code.replace(/[^0-9A-Za-z -]/g, "").slice(0, 40);
  function fill() {
    var input = document.getElementById("code");
    if (input && !input.value) {
      input.value = code;
      input.focus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fill);
  } else {
    fill();
  }
})();
