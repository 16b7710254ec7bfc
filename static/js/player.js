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

// Playback speed, keyboard shortcuts (shown in the "Keyboard shortcuts" panel) and "next lesson"
// offered when the video ends. The browser's own controls stay: these only add to them.
(function () {
  "use strict";
  var video = document.getElementById("lesson-video");
  var tools = document.getElementById("player-tools");
  if (!video || !tools) return;
  tools.hidden = false;
  var speed = document.getElementById("player-speed");
  var RATES = [0.75, 1, 1.25, 1.5, 1.75, 2];
  var saved = parseFloat(window.localStorage ? localStorage.getItem("bds-player-speed") || "1" : "1");
  function setRate(rate) {
    video.playbackRate = rate;
    speed.value = String(rate);
    try { localStorage.setItem("bds-player-speed", String(rate)); } catch (error) { /* private mode */ }
  }
  if (RATES.indexOf(saved) >= 0) setRate(saved);
  speed.addEventListener("change", function () { setRate(parseFloat(speed.value)); });

  function toggleCaptions() {
    var tracks = Array.prototype.filter.call(video.textTracks, function (track) {
      return track.kind === "captions" || track.kind === "subtitles";
    });
    if (!tracks.length) return;
    var showing = tracks.some(function (track) { return track.mode === "showing"; });
    tracks.forEach(function (track, index) { track.mode = !showing && index === 0 ? "showing" : "disabled"; });
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    // Never steal keys from form fields, links, buttons or the browser's own video controls.
    if (target !== document.body && !target.closest("main")) return;
    if (target.closest("input, select, textarea, button, a, summary, [contenteditable]")) return;
    // A focused <video> already plays/pauses and seeks with these keys itself.
    if (target === video && [" ", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].indexOf(event.key) >= 0) return;
    var handled = true;
    switch (event.key) {
      case " ": case "k": if (video.paused) { video.play(); } else { video.pause(); } break;
      case "ArrowLeft": video.currentTime = Math.max(0, video.currentTime - 5); break;
      case "ArrowRight": video.currentTime = Math.min(video.duration || Infinity, video.currentTime + 5); break;
      case "ArrowUp": video.volume = Math.min(1, video.volume + 0.1); break;
      case "ArrowDown": video.volume = Math.max(0, video.volume - 0.1); break;
      case "f":
        if (document.fullscreenElement) { document.exitFullscreen(); } else if (video.requestFullscreen) { video.requestFullscreen(); }
        break;
      case "c": toggleCaptions(); break;
      case "<": setRate(RATES[Math.max(0, RATES.indexOf(video.playbackRate) - 1)] || 1); break;
      case ">": setRate(RATES[Math.min(RATES.length - 1, RATES.indexOf(video.playbackRate) + 1)] || 1); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  var next = document.getElementById("player-next");
  if (next) video.addEventListener("ended", function () { next.hidden = false; });
})();

// Transcript: each cue seeks the video, the current cue is highlighted, the search box filters.
(function () {
  "use strict";
  var video = document.getElementById("lesson-video");
  var panel = document.getElementById("transcript");
  if (!video || !panel) return;
  var cues = Array.prototype.slice.call(panel.querySelectorAll(".transcript-cue"));
  cues.forEach(function (cue) {
    cue.addEventListener("click", function () {
      video.currentTime = parseFloat(cue.dataset.start);
      video.play();
    });
  });
  video.addEventListener("timeupdate", function () {
    var now = video.currentTime;
    cues.forEach(function (cue) {
      var current = now >= parseFloat(cue.dataset.start) && now < parseFloat(cue.dataset.end);
      cue.classList.toggle("is-current", current);
      if (current) cue.setAttribute("aria-current", "true"); else cue.removeAttribute("aria-current");
    });
  });
  var search = document.getElementById("transcript-search");
  search.addEventListener("input", function () {
    var words = search.value.trim().toLowerCase();
    cues.forEach(function (cue) { cue.parentElement.hidden = words !== "" && cue.textContent.toLowerCase().indexOf(words) < 0; });
  });
})();
