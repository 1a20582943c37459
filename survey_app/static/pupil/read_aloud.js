/* Read aloud: each question and answer option gets a button that speaks its
   text with the browser's own speech synthesis. Nothing leaves the device,
   and without JavaScript (or without a voice for the language) the buttons
   simply stay hidden: the survey works the same. */
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || !("SpeechSynthesisUtterance" in window)) {
    return;
  }
  var synth = window.speechSynthesis;

  function voiceFor(lang) {
    var voices = synth.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.toLowerCase().indexOf(lang.toLowerCase()) === 0) {
        return voices[i];
      }
    }
    return null;
  }

  function speak(button) {
    var lang = button.getAttribute("data-speak-lang") || document.documentElement.lang;
    var utterance = new SpeechSynthesisUtterance(button.getAttribute("data-speak"));
    utterance.lang = lang;
    var voice = voiceFor(lang);
    if (voice) { utterance.voice = voice; }
    utterance.rate = 0.9;
    synth.cancel();
    synth.speak(utterance);
  }

  function showButtons() {
    var buttons = document.querySelectorAll("button.speak");
    for (var i = 0; i < buttons.length; i++) {
      var lang = buttons[i].getAttribute("data-speak-lang") || document.documentElement.lang;
      if (voiceFor(lang)) { buttons[i].hidden = false; }
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.speak") : null;
    if (button) { event.preventDefault(); speak(button); }
  });
  showButtons();
  if ("onvoiceschanged" in synth) {
    synth.addEventListener("voiceschanged", showButtons);
  }
  window.addEventListener("pagehide", function () { synth.cancel(); });
})();
