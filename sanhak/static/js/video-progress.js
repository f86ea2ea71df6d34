// A video lesson (learning/lesson.html) reports what the trainee actually watched: each stretch played,
// [from, end); a seek closes the stretch played so far. The server adds the stretches up and marks the
// lesson complete at 90 %. Settings and texts come from the <video> element's data attributes.
(function () {
  "use strict";
  var video = document.getElementById("player");
  if (!video) {
    return;
  }
  var status = document.getElementById("watch-status");
  var data = video.dataset;
  video.addEventListener("loadedmetadata", function () {
    var resume = +data.resume;
    if (resume > 0 && resume < video.duration - 1) {
      video.currentTime = resume;
    }
  });
  if (!data.track) {
    return; // not enrolled (a coordinator or instructor looking): nothing to record
  }
  var from = null, pos = 0, done = data.completed === "1";

  function send(end) {
    if (from === null || end <= from + 0.2) {
      return;
    }
    var body = JSON.stringify({start: from, end: end, duration: video.duration || 0});
    from = end;
    fetch(data.progressUrl, {
      method: "POST",
      headers: {"X-CSRFToken": data.csrf, "Content-Type": "application/json"},
      body: body,
      credentials: "same-origin",
      keepalive: true
    }).then(function (r) { return r.json(); }).then(function (d) {
      if (d.completed && !done) {
        done = true;
        status.textContent = data.doneText;
      } else if (!done) {
        status.textContent = data.watchedText + " " + Math.round(d.watched_share * 100) + "%";
      }
    }).catch(function () {});
  }

  video.addEventListener("play", function () { from = pos = video.currentTime; });
  video.addEventListener("timeupdate", function () {
    if (video.seeking) {
      return;
    }
    pos = video.currentTime;
    if (!video.paused && from !== null && pos - from >= 10) {
      send(pos);
    }
  });
  video.addEventListener("seeking", function () { send(pos); from = null; });
  video.addEventListener("seeked", function () { pos = video.currentTime; from = video.paused ? null : pos; });
  video.addEventListener("pause", function () { if (!video.seeking) { send(video.currentTime); } from = null; });
  video.addEventListener("ended", function () { send(video.duration); from = null; });
  window.addEventListener("pagehide", function () { if (!video.paused) { send(video.currentTime); } });
})();
