/* Read aloud with the device's own speech synthesis (nothing leaves the device).

   One control per question reads the question, its help text and its answer
   options; one control for the page reads the title, the introduction and
   every question shown. Where the device has no voice for the page's
   language, the controls stay hidden and a plain sentence says so. Without
   JavaScript nothing of this shows: the survey works the same. */
(function () {
  "use strict";
  var note = document.getElementById("read-aloud-none");
  var pageButton = document.getElementById("read-page");
  var hasApi = ("speechSynthesis" in window) && ("SpeechSynthesisUtterance" in window);
  var synth = hasApi ? window.speechSynthesis : null;
  var pageLang = document.documentElement.lang;
  var speakingFrom = null;
  var decided = false;

  function voiceFor(lang) {
    if (!synth) { return null; }
    var voices = synth.getVoices() || [];
    var wanted = (lang || "").toLowerCase();
    for (var i = 0; i < voices.length; i++) {
      var code = (voices[i].lang || "").toLowerCase().replace("_", "-");
      if (code === wanted || code.indexOf(wanted + "-") === 0) { return voices[i]; }
    }
    return null;
  }

  function langOf(element) {
    var withLang = element.closest("[lang]");
    return withLang ? withLang.getAttribute("lang") : pageLang;
  }

  function shown(element) {
    return !!(element.offsetWidth || element.offsetHeight || element.getClientRects().length);
  }

  /* [text, lang] pieces of one question, in reading order. */
  function questionParts(question) {
    var parts = [];
    var selectors = ".question-text, .help, .option-text, .answer-line label, .unit";
    var nodes = question.querySelectorAll(selectors);
    for (var i = 0; i < nodes.length; i++) {
      if (!shown(nodes[i]) && !nodes[i].classList.contains("option-text")) { continue; }
      var text = nodes[i].textContent.replace(/\s+/g, " ").trim();
      if (text) { parts.push([text, langOf(nodes[i])]); }
    }
    return parts;
  }

  function pageParts() {
    var parts = [];
    var heads = document.querySelectorAll("main h1, main p.intro");
    for (var i = 0; i < heads.length; i++) {
      parts.push([heads[i].textContent.replace(/\s+/g, " ").trim(), langOf(heads[i])]);
    }
    var questions = document.querySelectorAll("main .question");
    for (var j = 0; j < questions.length; j++) {
      if (shown(questions[j])) { parts = parts.concat(questionParts(questions[j])); }
    }
    return parts;
  }

  function stop() {
    if (synth) { synth.cancel(); }
    if (speakingFrom) { speakingFrom.setAttribute("aria-pressed", "false"); }
    speakingFrom = null;
  }

  function speak(parts, button) {
    var again = speakingFrom === button;
    stop();
    if (again) { return; }  /* pressing the same control again stops it */
    speakingFrom = button;
    button.setAttribute("aria-pressed", "true");
    parts.forEach(function (part, index) {
      var utterance = new SpeechSynthesisUtterance(part[0]);
      utterance.lang = part[1];
      var voice = voiceFor(part[1]);
      if (voice) { utterance.voice = voice; }
      utterance.rate = 0.9;
      if (index === parts.length - 1) {
        utterance.onend = function () { if (speakingFrom === button) { stop(); } };
      }
      synth.speak(utterance);
    });
  }

  function controls() {
    return document.querySelectorAll("button.speak");
  }

  function show() {
    var any = false;
    var buttons = controls();
    for (var i = 0; i < buttons.length; i++) {
      var question = buttons[i].closest(".question");
      var lang = question ? langOf(question.querySelector(".question-text") || question) : pageLang;
      var can = !!voiceFor(lang);
      buttons[i].hidden = !can;
      any = any || can;
    }
    if (pageButton) { pageButton.hidden = !voiceFor(pageLang); }
    return any || (pageButton && !pageButton.hidden);
  }

  function decide() {
    decided = true;
    var any = show();
    if (note) { note.hidden = !!any; }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.speak, #read-page") : null;
    if (!button || !synth) { return; }
    event.preventDefault();
    if (button.id === "read-page") {
      speak(pageParts(), button);
    } else {
      speak(questionParts(button.closest(".question")), button);
    }
  });

  if (!synth) {
    if (note) { note.hidden = false; }
    return;
  }
  if (show()) {
    decide();
  } else {
    /* Voices often arrive a moment after the page: decide when they do, or after a while. */
    if (synth.addEventListener) {
      synth.addEventListener("voiceschanged", function () { if (show() || decided) { decide(); } });
    }
    window.setTimeout(function () { if (!decided) { decide(); } }, 1500);
  }
  window.addEventListener("pagehide", stop);
})();
