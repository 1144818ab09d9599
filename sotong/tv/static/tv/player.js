// 소통TV player: hls.js where the browser has Media Source Extensions, the browser's own HLS otherwise
// (Safari, iOS). The quality menu lists the renditions; "auto" lets hls.js choose by bandwidth.
(function () {
  "use strict";
  var video = document.getElementById("tv-video");
  if (!video) return;
  var source = video.getAttribute("data-src");
  var status = document.getElementById("tv-player-status");
  var quality = document.getElementById("tv-quality");

  function say(text) {
    if (status) status.textContent = text;
  }

  if (window.Hls && window.Hls.isSupported()) {
    // No worker: the site's Content-Security-Policy allows none from blob: URLs.
    var hls = new window.Hls({ enableWorker: false, lowLatencyMode: true, liveSyncDurationCount: 2 });
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
        say(video.getAttribute("data-reconnecting"));
        window.setTimeout(function () { hls.startLoad(); }, 2000);
      } else if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
      } else {
        say(video.getAttribute("data-unplayable"));
        hls.destroy();
      }
    });
    hls.on(window.Hls.Events.FRAG_BUFFERED, function () { say(""); });
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
})();
