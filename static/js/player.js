// Lesson player: resume at the saved position, save the position while watching, complete at the end.
// Progressive enhancement: without JavaScript the video plays and "Mark as complete" still works.
(function () {
  "use strict";
  var video = document.getElementById("lesson-video");
  if (!video || !video.dataset.progressUrl) return;

  var url = video.dataset.progressUrl;
  var resumeAt = parseFloat(video.dataset.resumeAt || "0");
  var tokenInput = document.querySelector("#complete-form input[name=csrfmiddlewaretoken]");
  var csrfToken = tokenInput ? tokenInput.value : "";
  var SAVE_EVERY_MS = 10000;
  var lastSaved = -1;
  var completed = false;

  function send(extra, keepalive) {
    var body = new URLSearchParams();
    body.set("position_seconds", String(Math.floor(video.currentTime || 0)));
    if (extra) Object.keys(extra).forEach(function (key) { body.set(key, extra[key]); });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
      headers: { "X-CSRFToken": csrfToken, "Accept": "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).catch(function () { return null; });
  }

  function savePosition(keepalive) {
    var position = Math.floor(video.currentTime || 0);
    if (position === lastSaved || completed) return;
    lastSaved = position;
    send(null, keepalive);
  }

  video.addEventListener("loadedmetadata", function () {
    // Do not resume into the last few seconds: that would only replay the ending.
    if (resumeAt > 0 && (!video.duration || resumeAt < video.duration - 5)) {
      video.currentTime = resumeAt;
    }
  }, { once: true });

  var timer = null;
  video.addEventListener("play", function () {
    if (timer === null) timer = window.setInterval(function () { savePosition(false); }, SAVE_EVERY_MS);
  });
  video.addEventListener("pause", function () {
    window.clearInterval(timer);
    timer = null;
    // At the end the browser pauses first; the "ended" handler saves (and completes) instead.
    if (!video.ended) savePosition(false);
  });
  video.addEventListener("ended", function () {
    window.clearInterval(timer);
    timer = null;
    completed = true;
    send({ completed: "1" }, false).then(function (data) {
      if (!data || !data.completed) return;
      var button = document.querySelector("#complete-form button");
      if (button) {
        button.textContent = "Completed · go on";
        button.classList.add("button-secondary");
      }
      var status = document.createElement("p");
      status.setAttribute("role", "status");
      status.className = "message message-success";
      status.textContent = "Lesson complete.";
      video.closest("figure").after(status);
    });
  });
  // Signed URLs expire (PRIVATE_URL_EXPIRY_SECONDS): when seeking fails on an old one, ask for a
  // fresh URL (the progress endpoint returns one) and carry on from the same second, once per failure.
  var recovering = false;
  video.addEventListener("error", function () {
    if (recovering) return;
    recovering = true;
    var position = video.currentTime || lastSaved || resumeAt;
    send(null, false).then(function (data) {
      if (!data || !data.video_url) return;
      video.addEventListener("loadedmetadata", function () {
        video.currentTime = position;
        recovering = false;
      }, { once: true });
      video.src = data.video_url;
      video.load();
    });
  });
  window.addEventListener("pagehide", function () { savePosition(true); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") savePosition(true);
  });
})();
