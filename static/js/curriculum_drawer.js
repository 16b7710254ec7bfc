// The lesson page's "Course content" panel as an off-canvas drawer below the two-column breakpoint
// (templates/lessons/lesson.html). Without this file the panel simply sits below the lesson.
//
// A modal dialog while open: focus moves into it, the rest of the page is inert (so a screen
// reader's virtual cursor stays in it) and Tab wraps around inside it; Escape, the close button or a tap on the backdrop
// close it, and focus returns to the "Course content" button.
(function () {
  "use strict";

  var NARROW = window.matchMedia("(max-width: 63.99em)"); // site.css: .lesson-layout's two columns
  var drawer = document.getElementById("curriculum-drawer");
  var toggle = document.getElementById("curriculum-toggle");
  var toggleRow = document.getElementById("curriculum-toggle-row");
  if (!drawer || !toggle || !toggleRow) {
    return;
  }
  var layout = drawer.parentElement;
  var header = drawer.querySelector(".drawer-header");
  var closeButton = drawer.querySelector(".drawer-close");
  var backdrop = layout.querySelector(".drawer-backdrop");
  var panel = drawer.querySelector("details.curriculum");
  var madeInert = [];

  function isOpen() {
    return drawer.classList.contains("is-open");
  }

  // Everything outside the drawer, at every level from the drawer up to <body>.
  function setOutsideInert(inert) {
    if (!inert) {
      madeInert.forEach(function (element) {
        element.inert = false;
      });
      madeInert = [];
      return;
    }
    for (var node = drawer; node && node !== document.body; node = node.parentElement) {
      Array.prototype.forEach.call(node.parentElement.children, function (sibling) {
        if (sibling !== node && !sibling.inert && sibling.tagName !== "SCRIPT") {
          sibling.inert = true;
          madeInert.push(sibling);
        }
      });
    }
  }

  function open() {
    layout.classList.add("drawer-animates");
    if (panel) {
      panel.open = true;
    }
    drawer.classList.add("is-open");
    drawer.setAttribute("role", "dialog");
    drawer.setAttribute("aria-modal", "true");
    backdrop.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    document.documentElement.classList.add("drawer-is-open");
    setOutsideInert(true);
    var current = drawer.querySelector('[aria-current="page"]');
    (current || closeButton).focus();
  }

  function close(returnFocus) {
    if (!isOpen()) {
      return;
    }
    drawer.classList.remove("is-open");
    drawer.removeAttribute("role");
    drawer.removeAttribute("aria-modal");
    backdrop.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    document.documentElement.classList.remove("drawer-is-open");
    setOutsideInert(false);
    if (returnFocus) {
      toggle.focus();
    }
  }

  // Drawer mode only on narrow screens; on a wide one the panel is the column beside the video.
  function applyMode() {
    var narrow = NARROW.matches;
    layout.classList.remove("drawer-animates");
    if (!narrow) {
      close(false);
    }
    layout.classList.toggle("has-drawer", narrow);
    toggleRow.hidden = !narrow;
    header.hidden = !narrow;
  }

  toggle.addEventListener("click", function () {
    if (isOpen()) {
      close(true);
    } else {
      open();
    }
  });
  closeButton.addEventListener("click", function () {
    close(true);
  });
  backdrop.addEventListener("click", function () {
    close(true);
  });
  function focusables() {
    return Array.prototype.filter.call(
      drawer.querySelectorAll("a[href], button, summary, input, select, textarea, [tabindex]:not([tabindex='-1'])"),
      function (element) {
        return !element.disabled && element.getClientRects().length > 0;
      }
    );
  }

  document.addEventListener("keydown", function (event) {
    if (!isOpen()) {
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    } else if (event.key === "Tab") {
      // Wrap around inside the drawer rather than leave for the browser's own toolbar.
      var items = focusables();
      var first = items[0];
      var last = items[items.length - 1];
      if (event.shiftKey && (document.activeElement === first || !drawer.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !drawer.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  if (NARROW.addEventListener) {
    NARROW.addEventListener("change", applyMode);
  }
  applyMode();
})();
