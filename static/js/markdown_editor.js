/* Write / Preview tabs for Markdown fields in admin (core/widgets.py MarkdownWidget).
 *
 * Preview posts the text to the server's markdown-preview endpoint (CSRF token from the page's
 * form) and shows the HTML it returns, which the server sanitised with the same rules as the public
 * pages (core/markdown.py). Nothing is rendered from the raw text in the browser.
 */
(function () {
  "use strict";

  function csrfToken(root) {
    var form = root.closest("form");
    var field = (form && form.querySelector("[name=csrfmiddlewaretoken]")) || document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function Editor(root) {
    this.root = root;
    this.tabs = root.querySelector("[data-markdown-tabs]");
    this.write = root.querySelector("[data-markdown-write]");
    this.preview = root.querySelector("[data-markdown-preview]");
    this.status = root.querySelector("[data-markdown-status]");
    this.textarea = this.write.querySelector("textarea");
    this.buttons = Array.prototype.slice.call(root.querySelectorAll("[data-markdown-tab]"));
    this.rendered = null;
    this.tabs.hidden = false;
    var self = this;
    this.buttons.forEach(function (button, index) {
      button.addEventListener("click", function () { self.select(button.dataset.markdownTab); });
      button.addEventListener("keydown", function (event) {
        if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
        event.preventDefault();
        var next = self.buttons[(index + (event.key === "ArrowRight" ? 1 : self.buttons.length - 1)) % self.buttons.length];
        next.focus();
        self.select(next.dataset.markdownTab);
      });
    });
  }

  Editor.prototype.select = function (name) {
    this.buttons.forEach(function (button) {
      var selected = button.dataset.markdownTab === name;
      button.setAttribute("aria-selected", selected ? "true" : "false");
      button.tabIndex = selected ? 0 : -1;
    });
    this.write.hidden = name !== "write";
    this.preview.hidden = name !== "preview";
    if (name === "preview") this.render();
  };

  Editor.prototype.render = function () {
    var text = this.textarea.value;
    if (text === this.rendered) return;
    var self = this;
    var body = new URLSearchParams();
    body.set("text", text);
    this.status.textContent = "Rendering preview…";
    fetch(this.root.dataset.previewUrl, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(this.root) },
      body: body,
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(data.error || "The preview could not be rendered (" + response.status + ").");
          return data;
        });
      })
      .then(function (data) {
        self.preview.innerHTML = data.html || "<p><em>Nothing to preview yet.</em></p>"; // sanitised by the server
        self.rendered = text;
        self.status.textContent = "";
      })
      .catch(function (error) {
        self.status.textContent = error.message || "The preview could not be rendered.";
      });
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-markdown-editor]"), function (root) {
      new Editor(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
