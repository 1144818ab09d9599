// 소통TV caption desk: Enter sends the line typed so far, Shift+Enter starts a second line. A line being
// composed by the Korean input method is never sent half-made (Enter then ends the composition first).
// The recent list also shows lines sent from another desk (two captioners taking turns), read from the
// broadcast's public caption feed.
(function () {
  "use strict";
  var form = document.getElementById("tv-caption-form");
  if (!form) return;
  var text = document.getElementById("tv-caption-text");
  var status = document.getElementById("tv-caption-status");
  var count = document.getElementById("tv-caption-count");
  var recent = document.getElementById("tv-caption-recent");
  var none = document.getElementById("tv-caption-none");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var feed = form.getAttribute("data-feed");
  var max = parseInt(text.getAttribute("maxlength"), 10);
  var lastId = parseInt(recent.getAttribute("data-last"), 10) || 0;
  var sending = false;

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("tv-desk__status--error", Boolean(isError));
  }

  function showCount() {
    count.textContent = form.getAttribute("data-count")
      .replace("{count}", String(text.value.length))
      .replace("{max}", String(max));
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function addCue(cue) {
    if (recent.querySelector('li[data-id="' + cue.id + '"]')) return;
    lastId = Math.max(lastId, cue.id);
    var at = new Date(cue.at);
    var item = document.createElement("li");
    item.setAttribute("data-id", String(cue.id));
    var time = document.createElement("time");
    time.dateTime = cue.at;
    time.textContent = pad(at.getHours()) + ":" + pad(at.getMinutes()) + ":" + pad(at.getSeconds());
    var line = document.createElement("span");
    line.lang = "ko";
    line.textContent = cue.text;
    item.appendChild(time);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(line);
    // Newest first, whichever answer (this desk's own or the feed) brought a line first.
    var before = recent.firstElementChild;
    while (before && parseInt(before.getAttribute("data-id"), 10) > cue.id) before = before.nextElementSibling;
    recent.insertBefore(item, before);
    while (recent.children.length > 15) recent.removeChild(recent.lastChild);
    if (none) none.hidden = true;
  }

  function send() {
    var value = text.value;
    if (sending || !value.trim()) return;
    sending = true;
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ text: value }),
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (answer) {
        if (answer.ok) {
          addCue(answer.data.cue);
          // Only what was sent is cleared: the captioner may have typed on while it went.
          text.value = text.value.slice(value.length).replace(/^\n/, "");
          showCount();
          say(form.getAttribute("data-sent"));
        } else {
          say(answer.data.error || form.getAttribute("data-failed"), true);
        }
      })
      .catch(function () { say(form.getAttribute("data-failed"), true); })
      .then(function () { sending = false; text.focus(); });
  }

  text.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    send();
  });
  text.addEventListener("input", showCount);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send();
  });
  showCount();

  function poll() {
    fetch(feed + "?after=" + lastId, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { cues: [] }; })
      .then(function (data) { data.cues.forEach(addCue); })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 3000);
})();
