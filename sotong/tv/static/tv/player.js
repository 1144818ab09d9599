// 소통TV player: hls.js where the browser has Media Source Extensions, the browser's own HLS otherwise
// (Safari, iOS). The quality menu lists the renditions; "auto" lets hls.js choose by bandwidth.
// Live captions (decision 0077) are a text track on the media timeline, shown in a region under the video.
(function () {
  "use strict";
  var video = document.getElementById("tv-video");
  if (!video) return;
  var source = video.getAttribute("data-src");
  var status = document.getElementById("tv-player-status");
  var quality = document.getElementById("tv-quality");
  var hls = null;
  var signalText = ""; // while the signal is lost, what the status line keeps saying (the slate's video plays on)

  function say(text) {
    if (status) status.textContent = text;
  }

  if (window.Hls && window.Hls.isSupported()) {
    // No worker: the site's Content-Security-Policy allows none from blob: URLs.
    hls = new window.Hls({ enableWorker: false, lowLatencyMode: true, liveSyncDurationCount: 2 });
    hls.on(window.Hls.Events.MANIFEST_PARSED, function (_event, data) {
      if (quality) {
        // Best first, as people read a quality menu; the value is hls.js's index of the level.
        data.levels
          .map(function (level, index) { return { height: level.height, index: index }; })
          .sort(function (a, b) { return b.height - a.height; })
          .forEach(function (level) {
            var option = document.createElement("option");
            option.value = String(level.index);
            option.textContent = level.height + "p";
            quality.appendChild(option);
          });
        quality.disabled = false;
      }
      video.play().catch(function () {});
    });
    hls.on(window.Hls.Events.ERROR, function (_event, data) {
      if (!data.fatal) return;
      if (data.type === window.Hls.ErrorTypes.NETWORK_ERROR) {
        say(signalText || video.getAttribute("data-reconnecting")); // a lost signal says more than a retry
        window.setTimeout(function () { hls.startLoad(); }, 2000);
      } else if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
      } else {
        say(video.getAttribute("data-unplayable"));
        hls.destroy();
      }
    });
    hls.on(window.Hls.Events.FRAG_BUFFERED, function () { say(signalText); });
    if (quality) {
      quality.addEventListener("change", function () {
        hls.currentLevel = parseInt(quality.value, 10);
      });
    }
    hls.loadSource(source);
    hls.attachMedia(video);
    window.sotongTvPlayer = hls;
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = source;
    if (quality) quality.closest(".tv-player__quality").hidden = true;
  } else {
    say(video.getAttribute("data-unplayable"));
  }

  // The signal (decision 0079), from the chat's websocket: lost, back, or given up. Where a slate is on air the
  // picture already says it and the status line says it to screen readers; where none is (nginx), a cover hides
  // the frozen picture, and when the signal is back the stalled player loads the playlist again.
  var cover = document.getElementById("tv-player-cover");
  document.addEventListener("sotong:tv", function (event) {
    var signal = event.detail;
    if (!signal || signal.type !== "signal") return;
    var text = video.getAttribute(
      signal.state === "lost" ? "data-signal-lost" : signal.state === "back" ? "data-signal-back" : "data-signal-over"
    );
    signalText = signal.state === "lost" ? text : "";
    say(text);
    if (cover) {
      cover.querySelector("p").textContent = text;
      cover.hidden = signal.state === "back" || (signal.state === "lost" && signal.slate);
    }
    if (signal.state === "back" && !signal.slate) {
      // nginx's playlist stopped and starts again: load it anew (after a slate the stream simply went on).
      if (hls) {
        hls.stopLoad();
        hls.loadSource(source);
        hls.startLoad();
      } else if (video.src) {
        video.src = source;
      }
      video.play().catch(function () {});
    }
    if (signal.state === "back") {
      window.setTimeout(function () { if (status && status.textContent === text) say(""); }, 5000);
    }
  });

  var box = document.getElementById("tv-captions");
  if (box && window.VTTCue) startCaptions(box);

  function startCaptions(box) {
    var SHOWN_FOR = 6; // seconds a line stays when no next line replaces it (as in captions.vtt)
    var region = document.getElementById("tv-captions-text");
    var toggle = document.getElementById("tv-captions-toggle");
    var stateText = toggle.querySelector(".tv-captions__state");
    var feed = box.getAttribute("data-feed");
    var track = video.addTextTrack("captions", box.getAttribute("data-track-label"), "ko");
    var seen = {};
    var lastId = 0;
    var waiting = []; // lines received before the video has a timeline to place them on
    var placed = []; // VTTCues in order of start
    var lastPushed = 0; // when the page's websocket last brought a line (chat.js re-dispatches its events)
    var on = true;
    var onVideo = false; // the viewer chose the browser's own caption display from the video's menu
    var expectedMode = "";
    try { on = window.localStorage.getItem("sotong.tv.captions") !== "off"; } catch (e) { /* private mode */ }

    // Right under the picture, above the status and quality lines.
    video.insertAdjacentElement("afterend", box);
    box.hidden = false;

    function fullscreen() {
      return (document.fullscreenElement || document.webkitFullscreenElement) === video;
    }

    function render() {
      var lines = [];
      var active = track.activeCues;
      var now = video.currentTime;
      if (on && active) {
        for (var i = 0; i < active.length; i++) {
          if (active[i].startTime <= now && active[i].endTime > now) lines.push(active[i].text);
        }
      }
      var text = lines.join("\n");
      if (region.textContent !== text) region.textContent = text;
    }

    function apply() {
      // Outside full screen the region shows the lines (large, zoomable, under the picture); in full
      // screen only the browser's own display can, so the track is "showing" there.
      var byVideo = onVideo || fullscreen();
      expectedMode = on ? (byVideo ? "showing" : "hidden") : "disabled";
      if (track.mode !== expectedMode) track.mode = expectedMode;
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      stateText.textContent = ": " + box.getAttribute(on ? "data-on" : "data-off");
      region.hidden = !on || byVideo;
      render();
    }

    // Where a moment on the wall clock falls on the video's timeline: hls.js knows the date of what plays
    // now (EXT-X-PROGRAM-DATE-TIME), Safari the date of time zero; failing both, a playing live video is
    // taken to be now.
    function mediaTime(at) {
      var playing = hls && hls.playingDate;
      if (playing && !isNaN(playing.getTime())) return video.currentTime + (at - playing.getTime()) / 1000;
      var start = !hls && video.getStartDate ? video.getStartDate() : null;
      if (start && !isNaN(start.getTime())) return (at - start.getTime()) / 1000;
      if (video.currentTime > 0 && !video.paused) return video.currentTime + (at - Date.now()) / 1000;
      return null;
    }

    function place(line) {
      var start = mediaTime(Date.parse(line.at));
      if (start === null) return false;
      if (start + SHOWN_FOR <= 0) return true; // long before anything this player can still show
      start = Math.max(0, start);
      var cue = new window.VTTCue(start, start + SHOWN_FOR, line.text);
      cue.id = String(line.id);
      // Each line shows until the next one, whichever order they arrived in.
      var i = placed.length;
      while (i > 0 && placed[i - 1].startTime > start) i--;
      if (i < placed.length) cue.endTime = Math.min(cue.endTime, placed[i].startTime);
      if (i > 0 && placed[i - 1].endTime > start) {
        // The line before ends where this one starts. When that is now or past, Chromium keeps a cue that
        // ends at the current position active until the next cue boundary, so it is replaced by one that
        // ended a moment ago (or dropped, if it had not begun).
        var before = placed[i - 1];
        var end = start > video.currentTime ? start : Math.min(start, video.currentTime - 0.05);
        track.removeCue(before);
        if (end > before.startTime) {
          var shorter = new window.VTTCue(before.startTime, end, before.text);
          shorter.id = before.id;
          track.addCue(shorter);
          placed[i - 1] = shorter;
        } else {
          placed.splice(i - 1, 1);
          i--;
        }
      }
      placed.splice(i, 0, cue);
      track.addCue(cue);
      return true;
    }

    function flush() {
      while (waiting.length && place(waiting[0])) waiting.shift();
      render();
    }

    function receive(line) {
      if (!line || seen[line.id]) return;
      seen[line.id] = true;
      lastId = Math.max(lastId, line.id);
      waiting.push(line);
      waiting.sort(function (a, b) { return a.id - b.id; });
      flush();
    }

    track.addEventListener("cuechange", render);
    video.addEventListener("timeupdate", function () {
      if (waiting.length) flush();
      else render();
    });
    video.textTracks.addEventListener("change", function () {
      if (track.mode === expectedMode) return;
      // The viewer used the video's own caption menu: follow it.
      on = track.mode !== "disabled";
      onVideo = track.mode === "showing" && !fullscreen();
      apply();
    });
    document.addEventListener("fullscreenchange", apply);
    document.addEventListener("webkitfullscreenchange", apply);
    toggle.addEventListener("click", function () {
      on = !on;
      onVideo = false;
      try { window.localStorage.setItem("sotong.tv.captions", on ? "on" : "off"); } catch (e) { /* ignore */ }
      apply();
    });
    document.addEventListener("sotong:tv", function (event) {
      if (event.detail && event.detail.type === "caption") {
        lastPushed = Date.now();
        receive(event.detail);
      }
    });

    // The recent lines first, then every two seconds while the websocket brings none (or is not there).
    function poll() {
      if (Date.now() - lastPushed < 15000) {
        window.setTimeout(poll, 2000);
        return;
      }
      var live = true;
      fetch(feed + (lastId ? "?after=" + lastId : ""), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          live = data.live;
          data.cues.forEach(receive);
        })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { if (live) window.setTimeout(poll, 2000); });
    }

    apply();
    poll();
  }
})();
