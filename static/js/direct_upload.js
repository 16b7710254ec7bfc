/* Direct uploads of lesson videos and materials to the bucket (lessons/widgets.py).
 *
 * Progressive enhancement of a plain file input: when the widget carries data-direct-upload (files
 * in S3), choosing a file uploads it straight to the bucket in parts through presigned URLs issued
 * by /admin/uploads/. Progress shows percentage, speed and time left. A part that fails is retried,
 * with fresh URLs when they have expired; after a reload, choosing the same file again resumes from
 * the parts S3 already has (the upload token is remembered in localStorage). Cancel aborts the
 * upload. Only when the upload is complete does the hidden field get the token, and the file input
 * is emptied so the form posts the token instead of the file.
 */
(function () {
  "use strict";

  var PARALLEL = 3;
  var RETRIES = 5;
  var STORE_PREFIX = "bds-direct-upload:";

  function formatBytes(bytes) {
    var units = ["B", "KB", "MB", "GB", "TB"];
    var i = 0;
    while (bytes >= 1000 && i < units.length - 1) {
      bytes /= 1000;
      i += 1;
    }
    return (i === 0 ? bytes : bytes.toFixed(1)) + " " + units[i];
  }

  function formatDuration(seconds) {
    if (!isFinite(seconds)) return "estimating time left";
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 60) return seconds + " s left";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min " + (seconds % 60) + " s left";
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min left";
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function waitUntilOnline() {
    if (navigator.onLine !== false) return Promise.resolve();
    return new Promise(function (resolve) {
      window.addEventListener("online", function () { resolve(); }, { once: true });
    });
  }

  function DirectUpload(root) {
    this.root = root;
    this.config = JSON.parse(root.dataset.directUpload);
    this.form = root.closest("form");
    this.input = root.querySelector("input[type=file]");
    this.tokenField = root.querySelector("[data-upload-token]");
    this.status = root.querySelector("[data-upload-status]");
    this.progress = root.querySelector("[data-upload-progress]");
    this.text = root.querySelector("[data-upload-text]");
    this.cancelButton = root.querySelector("[data-upload-cancel]");
    this.active = null;
    this.input.addEventListener("change", this.onChoose.bind(this));
    this.cancelButton.addEventListener("click", this.cancel.bind(this));
    if (this.form) this.form.addEventListener("submit", this.onSubmit.bind(this));
    this.announceInterrupted();
  }

  DirectUpload.prototype.scope = function () {
    var scope = Object.assign({}, this.config.scope);
    if (!Object.keys(scope).length && this.form && this.config.scopeField) {
      var field = this.form.elements[this.config.scopeField];
      if (field && field.value) scope.section = field.value;
    }
    return scope;
  };

  DirectUpload.prototype.storeKey = function (file) {
    return STORE_PREFIX + JSON.stringify([this.config.kind, this.scope(), file.name, file.size, file.lastModified]);
  };

  DirectUpload.prototype.announceInterrupted = function () {
    var prefix = STORE_PREFIX + JSON.stringify([this.config.kind, this.config.scope]).slice(0, -1) + ",";
    for (var i = 0; i < localStorage.length; i += 1) {
      var key = localStorage.key(i);
      if (key && key.indexOf(prefix) === 0) {
        var name = JSON.parse(key.slice(STORE_PREFIX.length))[2];
        this.show("An upload of " + name + " was interrupted. Choose the same file to resume it.", null);
        return;
      }
    }
  };

  DirectUpload.prototype.show = function (message, percent) {
    this.status.hidden = false;
    this.text.textContent = message;
    if (percent === null) {
      this.progress.hidden = true;
    } else {
      this.progress.hidden = false;
      this.progress.value = percent;
      this.progress.textContent = percent + "%";
    }
  };

  DirectUpload.prototype.post = function (step, payload) {
    var csrf = this.form && this.form.querySelector("[name=csrfmiddlewaretoken]");
    return fetch(this.config.urls[step], {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify(payload),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          var error = new Error(body.error || "The server refused the upload (" + response.status + ").");
          error.status = response.status;
          error.body = body;
          throw error;
        }
        return body;
      });
    });
  };

  DirectUpload.prototype.onChoose = function () {
    var file = this.input.files && this.input.files[0];
    if (!file) return;
    if (this.active) this.abortRequests(this.active);
    this.tokenField.value = "";
    if (file.size > this.config.maxBytes) {
      this.show(file.name + " is " + formatBytes(file.size) + "; the limit is " + formatBytes(this.config.maxBytes) + ".", null);
      this.input.value = "";
      return;
    }
    this.upload(file);
  };

  DirectUpload.prototype.onSubmit = function (event) {
    if (this.active) {
      event.preventDefault();
      this.show("Wait for the upload to finish (or cancel it) before saving.", this.progress.value);
    }
  };

  DirectUpload.prototype.upload = function (file) {
    var self = this;
    var storeKey = this.storeKey(file);
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(storeKey)); } catch (e) { saved = null; }
    var state = { file: file, storeKey: storeKey, requests: new Set(), cancelled: false, loaded: {}, samples: [] };
    this.active = state;
    this.cancelButton.hidden = false;
    this.show("Preparing the upload of " + file.name + "…", 0);

    var begin = saved
      ? this.post("parts", { token: saved.token }).then(function (status) {
          status.token = saved.token;
          return status;
        }).catch(function (error) {
          if (error.status === 410 || error.status === 400 || error.status === 403) {
            localStorage.removeItem(storeKey);
            return self.start(file);
          }
          throw error;
        })
      : this.start(file);

    begin.then(function (plan) {
      state.plan = plan;
      if (state.cancelled) {  // cancelled while the server was starting it
        self.post("abort", { token: plan.token }).catch(function () {});
        return null;
      }
      localStorage.setItem(storeKey, JSON.stringify({ token: plan.token, key: plan.key }));
      (plan.uploaded || []).forEach(function (part) { state.loaded[part.number] = part.size; });
      state.urls = {};
      plan.parts.forEach(function (part) { state.urls[part.number] = part.url; });
      state.queue = plan.parts.map(function (part) { return part.number; });
      state.startedAt = performance.now();
      state.samples = [[state.startedAt, self.loadedBytes(state)]];
      self.render(state);
      var workers = [];
      for (var i = 0; i < PARALLEL; i += 1) workers.push(self.worker(state));
      return Promise.all(workers);
    }).then(function () {
      if (state.cancelled) return null;
      self.show("Finishing the upload of " + file.name + "…", 100);
      return self.complete(state);
    }).then(function (done) {
      if (!done || state.cancelled) return;
      localStorage.removeItem(storeKey);
      self.tokenField.value = done.token;
      self.input.value = "";  // the form now posts the token, never the file itself
      self.active = null;
      self.cancelButton.hidden = true;
      self.show("Uploaded " + file.name + " (" + formatBytes(file.size) + "), 100%. Save the form to attach it.", 100);
    }).catch(function (error) {
      if (state.cancelled) return;
      self.active = null;
      self.cancelButton.hidden = true;
      self.input.value = "";
      self.show("Upload stopped: " + error.message + " Choose the file again to resume.", null);
    });
  };

  DirectUpload.prototype.start = function (file) {
    return this.post("start", Object.assign({
      kind: this.config.kind,
      filename: file.name,
      content_type: file.type,
      size: file.size,
    }, this.scope()));
  };

  DirectUpload.prototype.complete = function (state) {
    var self = this;
    return this.post("complete", { token: state.plan.token }).catch(function (error) {
      // Parts S3 does not have after all (a lost response): send them again, then finish.
      if (error.status === 409 && error.body && error.body.missing && !state.retriedMissing) {
        state.retriedMissing = true;
        return self.post("parts", { token: state.plan.token }).then(function (status) {
          state.queue = status.parts.map(function (part) { state.urls[part.number] = part.url; return part.number; });
          state.queue.forEach(function (number) { delete state.loaded[number]; });
          return self.worker(state).then(function () { return self.complete(state); });
        });
      }
      throw error;
    });
  };

  DirectUpload.prototype.worker = function (state) {
    var self = this;
    function next() {
      if (state.cancelled || !state.queue.length) return Promise.resolve();
      var number = state.queue.shift();
      return self.sendPart(state, number, 0).then(next);
    }
    return next();
  };

  DirectUpload.prototype.sendPart = function (state, number, attempt) {
    var self = this;
    var size = state.plan.part_size;
    var blob = state.file.slice((number - 1) * size, Math.min(number * size, state.file.size));
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      state.requests.add(request);
      request.open("PUT", state.urls[number]);
      request.upload.addEventListener("progress", function (event) {
        state.loaded[number] = event.loaded;
        self.render(state);
      });
      request.addEventListener("load", function () {
        state.requests.delete(request);
        if (request.status >= 200 && request.status < 300) {
          state.loaded[number] = blob.size;
          self.render(state);
          resolve();
        } else {
          reject(new Error("storage answered " + request.status));
        }
      });
      request.addEventListener("error", function () { state.requests.delete(request); reject(new Error("connection lost")); });
      request.addEventListener("abort", function () { state.requests.delete(request); reject(new Error("cancelled")); });
      request.send(blob);
    }).catch(function (error) {
      if (state.cancelled) return undefined;
      state.loaded[number] = 0;
      if (attempt >= RETRIES) throw error;
      self.show("Connection trouble (" + error.message + "); retrying…", self.progress.value);
      // Back off, wait for the network, and fetch fresh URLs in case the old ones expired.
      return sleep(Math.min(30000, 1000 * Math.pow(2, attempt)))
        .then(waitUntilOnline)
        .then(function () { return self.post("parts", { token: state.plan.token }); })
        .then(function (status) {
          status.parts.forEach(function (part) { state.urls[part.number] = part.url; });
          return self.sendPart(state, number, attempt + 1);
        });
    });
  };

  DirectUpload.prototype.loadedBytes = function (state) {
    return Object.keys(state.loaded).reduce(function (sum, key) { return sum + state.loaded[key]; }, 0);
  };

  DirectUpload.prototype.render = function (state) {
    var now = performance.now();
    var loaded = Math.min(this.loadedBytes(state), state.file.size);
    state.samples.push([now, loaded]);
    while (state.samples.length > 2 && now - state.samples[0][0] > 10000) state.samples.shift();
    var first = state.samples[0];
    var seconds = (now - first[0]) / 1000;
    var speed = seconds > 0.5 ? (loaded - first[1]) / seconds : 0;
    var percent = Math.floor((loaded / state.file.size) * 100);
    if (percent === 100 && state.queue.length) percent = 99;
    var left = speed > 0 ? (state.file.size - loaded) / speed : Infinity;
    this.show(
      "Uploading " + state.file.name + ": " + percent + "% of " + formatBytes(state.file.size) +
        " · " + (speed > 0 ? formatBytes(speed) + "/s" : "measuring speed") + " · " + formatDuration(left),
      percent
    );
  };

  DirectUpload.prototype.abortRequests = function (state) {
    state.cancelled = true;
    state.requests.forEach(function (request) { request.abort(); });
  };

  DirectUpload.prototype.cancel = function () {
    var state = this.active;
    if (!state) return;
    this.abortRequests(state);
    this.active = null;
    this.cancelButton.hidden = true;
    this.input.value = "";
    this.tokenField.value = "";
    localStorage.removeItem(state.storeKey);
    var self = this;
    var aborted = state.plan ? this.post("abort", { token: state.plan.token }) : Promise.resolve();
    aborted.then(function () {
      self.show("Upload cancelled.", null);
    }).catch(function (error) {
      self.show("Upload cancelled here, but the server said: " + error.message, null);
    });
  };

  function init(scope) {
    (scope || document).querySelectorAll("[data-direct-upload]").forEach(function (root) {
      if (!root.directUpload) root.directUpload = new DirectUpload(root);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // Admin inlines add rows ("Add another") after load.
  document.addEventListener("formset:added", function (event) { init(event.target); });
})();
