// While the resident writes a proposal, the similar proposals appear under the text (the form's
// preview step shows them without JavaScript).
(function () {
  "use strict";
  var form = document.querySelector("form[data-similar-url]");
  if (!form) return;
  var target = document.getElementById("similar-live");
  var title = form.querySelector("[name=title]");
  var body = form.querySelector("[name=body]");
  var timer = null;
  var last = "";
  function look() {
    var text = (title.value + "\n" + body.value).trim();
    if (text.length < 4 || text === last) return;
    last = text;
    fetch(form.dataset.similarUrl + "?q=" + encodeURIComponent(text), { headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (html) target.innerHTML = html; })
      .catch(function () {});
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(look, 500);
  }
  title.addEventListener("input", later);
  body.addEventListener("input", later);
})();
