/* A lesson video's processing state in admin (lessons/admin_authoring.py).
 *
 * While the state is "processing", polls the lesson's small status endpoint (GET, JSON, scoped to
 * the lesson's instructor and staff) and updates the badge; it stops when the state is ready or
 * failed, and on failure shows the stored error and the "Retry processing" button instead of
 * spinning forever. Retry posts (with the page's CSRF token) and polls again. Without JavaScript
 * the same button submits a plain POST form.
 */
(function () {
  "use strict";

  var FIRST_DELAY = 2000;
  var MAX_DELAY = 15000;
  var MAX_POLLS = 240; // about an hour at the longest delay, then the page must be reloaded

  function csrfToken(root) {
    var form = root.closest("form") || document.querySelector("form");
    var field = (form && form.querySelector("[name=csrfmiddlewaretoken]")) || document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function render(root, data) {
    var label = root.querySelector("[data-video-state-label]");
    var error = root.querySelector("[data-video-state-error]");
    var retry = root.querySelector("[data-video-retry]");
    root.dataset.state = data.state;
    root.className = "video-state video-state--" + data.state;
    label.textContent = data.label;
    if (data.state === "processing") {
      var spinner = document.createElement("span");
      spinner.className = "video-state__spinner";
      spinner.setAttribute("aria-hidden", "true");
      label.insertBefore(spinner, label.firstChild);
    }
    error.textContent = data.error || "";
    error.hidden = !data.error;
    if (retry) {
      retry.hidden = data.state !== "failed" && data.state !== "none";
      retry.textContent = data.state === "none" ? "Process video" : "Retry processing";
    }
  }

  function poll(root, delay, count) {
    if (root.dataset.state !== "processing" || count > MAX_POLLS) return;
    window.setTimeout(function () {
      fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        })
        .then(function (data) {
          render(root, data);
          poll(root, Math.min(delay * 1.5, MAX_DELAY), count + 1);
        })
        .catch(function () {
          poll(root, MAX_DELAY, count + 1);
        });
    }, delay);
  }

  function retry(root, event) {
    event.preventDefault();
    var button = event.currentTarget;
    button.disabled = true;
    fetch(root.dataset.retryUrl, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(root) },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(data.error || "The retry was refused (" + response.status + ").");
          return data;
        });
      })
      .then(function (data) {
        render(root, data);
        poll(root, FIRST_DELAY, 0);
      })
      .catch(function (error) {
        render(root, { state: "failed", label: "Processing failed", error: error.message });
      })
      .then(function () {
        button.disabled = false;
      });
  }

  function init(root) {
    var button = root.querySelector("[data-video-retry]");
    if (button) button.addEventListener("click", retry.bind(null, root));
    poll(root, FIRST_DELAY, 0);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-video-state]"), init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
