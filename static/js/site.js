// Progressive enhancement for the header's <details> menus (they work without this file):
// close an open menu on Escape, returning focus to its toggle, and when clicking outside it.
(function () {
  "use strict";

  var MENUS = "details.dropdown, details.mobile-menu";

  function openMenus() {
    return document.querySelectorAll(MENUS + "[open]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    openMenus().forEach(function (menu) {
      menu.removeAttribute("open");
      var toggle = menu.querySelector("summary");
      if (toggle && menu.contains(document.activeElement)) {
        toggle.focus();
      }
    });
  });

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.removeAttribute("open");
      }
    });
  });
})();
