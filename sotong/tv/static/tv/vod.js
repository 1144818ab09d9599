// 소통TV video on demand: hls.js where the browser has Media Source Extensions, its own HLS otherwise (Safari,
// iOS). Chapter buttons seek; the current chapter is marked; the chat replay shows the lines whose moment has
// passed, in a list screen readers do not announce (aria-live="off"): people read it when they choose to.
(function () {
  "use strict";
  var video = document.getElementById("tv-vod-video");
  if (!video) return;
  var source = video.getAttribute("data-src");
  var status = document.getElementById("tv-vod-status");
  var replay = document.getElementById("tv-replay");
  var chapters = Array.prototype.slice.call(document.querySelectorAll(".tv-chapter[data-seek]"));
  // The newest lines are enough beside a video; older ones scroll away.
  var MAX_SHOWN = 200;

  function say(text) {
    if (status) status.textContent = text;
  }

  if (window.Hls && window.Hls.isSupported()) {
    // No worker: the site's Content-Security-Policy allows none from blob: URLs.
    var hls = new window.Hls({ enableWorker: false });
    hls.on(window.Hls.Events.ERROR, function (_event, data) {
      if (!data.fatal) return;
      if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
      } else {
        say(video.getAttribute("data-unplayable"));
        hls.destroy();
      }
    });
    hls.loadSource(source);
    hls.attachMedia(video);
    window.sotongTvVod = hls;
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = source;
  } else {
    say(video.getAttribute("data-unplayable"));
  }

  chapters.forEach(function (button) {
    button.addEventListener("click", function () {
      video.currentTime = parseFloat(button.getAttribute("data-seek"));
      video.play().catch(function () {});
    });
  });

  function markChapter(time) {
    var current = null;
    chapters.forEach(function (button) {
      if (parseFloat(button.getAttribute("data-seek")) <= time + 0.25) current = button;
    });
    chapters.forEach(function (button) {
      if (button === current) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    });
  }

  var lines = [];
  var shown = 0;

  function clock(seconds) {
    var total = Math.max(0, Math.floor(seconds));
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    var mm = (h && m < 10 ? "0" : "") + m, ss = (s < 10 ? "0" : "") + s;
    return (h ? h + ":" : "") + mm + ":" + ss;
  }

  function lineItem(line) {
    var item = document.createElement("li");
    item.className = "tv-replay__line";
    var time = document.createElement("time");
    time.className = "tv-replay__time";
    time.textContent = clock(line.t);
    var author = document.createElement("strong");
    author.className = "tv-replay__author";
    author.textContent = line.author;
    var body = document.createElement("span");
    body.textContent = line.body;
    item.appendChild(time);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(author);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(body);
    return item;
  }

  function showUpTo(time) {
    if (!replay) return;
    if (shown > 0 && lines[shown - 1].t > time) {
      // Sought back: start the list again from the new position.
      replay.textContent = "";
      shown = 0;
    }
    var atBottom = replay.scrollHeight - replay.scrollTop - replay.clientHeight < 40;
    var first = shown;
    while (shown < lines.length && lines[shown].t <= time) shown += 1;
    // After a long jump forward only the last lines are drawn.
    for (var i = Math.max(first, shown - MAX_SHOWN); i < shown; i += 1) replay.appendChild(lineItem(lines[i]));
    while (replay.children.length > MAX_SHOWN) replay.removeChild(replay.firstChild);
    if (atBottom && shown > first) replay.scrollTop = replay.scrollHeight;
  }

  video.addEventListener("timeupdate", function () {
    markChapter(video.currentTime);
    showUpTo(video.currentTime);
  });
  video.addEventListener("seeked", function () {
    markChapter(video.currentTime);
    showUpTo(video.currentTime);
  });

  var chatUrl = video.getAttribute("data-chat");
  if (chatUrl && replay && window.fetch) {
    window
      .fetch(chatUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { lines: [] }; })
      .then(function (data) {
        lines = data.lines || [];
        replay.setAttribute("data-loaded", String(lines.length));
        showUpTo(video.currentTime);
      })
      .catch(function () {});
  }
})();
