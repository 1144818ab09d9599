// The receipt's "copy the address" button. Without JavaScript the button stays hidden and the address
// is plain text on the page, to select and copy or to write down.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var status = button.parentNode.querySelector("[role=status]");
    if (!source) { return; }
    button.hidden = false;
    function say(text) { if (status) { status.textContent = text; } }
    function selectSource() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    button.addEventListener("click", function () {
      var text = source.textContent.trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { say(button.dataset.copied); },
          function () { selectSource(); say(button.dataset.failed); }
        );
        return;
      }
      // Plain HTTP (a local installation): select the text and use the older copy command.
      selectSource();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      say(copied ? button.dataset.copied : button.dataset.failed);
    });
  });
})();
