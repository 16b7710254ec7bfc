// The back office: fixes to markup that Django's own admin scripts add, for screen readers.
// SelectFilter2.js (the two-box instructor/prerequisite pickers) puts aria-label on a plain <span>
// help icon, which ARIA does not allow without a role: give it role="img" so the label is read.
(function () {
  "use strict";
  function fix(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  new MutationObserver(function () { fix(document); }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { fix(document); });
})();
