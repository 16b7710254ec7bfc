// Starts Redoc on the API reference page (templates/ninja/redoc.html) without an inline script.
(function () {
  "use strict";
  var element = document.getElementById("redoc-ui");
  if (element && window.Redoc) {
    window.Redoc.init(element.getAttribute("data-openapi-url"), { hideDownloadButton: false }, element);
  }
})();
