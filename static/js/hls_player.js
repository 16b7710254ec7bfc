// Adaptive streaming: where the lesson has HLS renditions (<video data-hls="...">), play them with
// hls.js (Media Source Extensions) or the browser's own HLS (Safari, iOS). The MP4 in the markup
// stays the fallback: without JavaScript, without either, or after a fatal streaming error.
(function () {
  "use strict";
  var video = document.getElementById("lesson-video");
  if (!video || !video.dataset.hls) return;
  var playlist = video.dataset.hls;
  var mp4 = video.getAttribute("src");
  var resumeAt = parseFloat(video.dataset.resumeAt || "0");

  function resume() {
    // The same rule as player.js: not into the last few seconds.
    if (resumeAt > 0 && (!video.duration || resumeAt < video.duration - 5)) video.currentTime = resumeAt;
  }

  function fallBackToMp4() {
    var position = video.currentTime || resumeAt;
    video.dataset.stream = "mp4";
    video.src = mp4;
    video.load();
    video.addEventListener("loadedmetadata", function () { video.currentTime = position; }, { once: true });
  }

  if (window.Hls && window.Hls.isSupported()) {
    // No worker: hls.js would start it from a blob: URL, which the site's CSP does not allow.
    var hls = new window.Hls({ enableWorker: false, capLevelToPlayerSize: true });
    hls.on(window.Hls.Events.MANIFEST_PARSED, function () {
      video.dataset.stream = "hls";
      resume();
    });
    hls.on(window.Hls.Events.ERROR, function (event, data) {
      if (!data.fatal) return;
      hls.destroy();
      fallBackToMp4();
    });
    hls.loadSource(playlist);
    hls.attachMedia(video);
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = playlist;
    video.dataset.stream = "hls";
    video.addEventListener("loadedmetadata", resume, { once: true });
    video.addEventListener("error", fallBackToMp4, { once: true });
  }
})();
