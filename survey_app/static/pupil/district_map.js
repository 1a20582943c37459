/* The district question: tap a district on the map to choose it, search the list.

   The radio list stays the real answer (and the accessible way): the map
   only checks a radio button, and the search only hides list entries that do
   not match a district's name or one of its well-known places. Without
   JavaScript the map is a picture and the search box stays hidden. */
(function () {
  "use strict";

  function fold(text) {
    return (text || "").toLocaleLowerCase().replace(/ß/g, "ss")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim();
  }

  function radios(name) {
    return document.querySelectorAll('input[type="radio"][name="' + name + '"]');
  }

  function setUpMap(figure) {
    var name = figure.getAttribute("data-for");
    var svg = figure.querySelector("svg");
    var caption = figure.querySelector("figcaption");
    var status = figure.querySelector(".map-chosen");
    var districts = figure.querySelectorAll("g.district");
    if (caption && caption.getAttribute("data-with-script")) {
      caption.textContent = caption.getAttribute("data-with-script");
    }
    svg.setAttribute("role", "group");
    svg.removeAttribute("focusable");

    function radioFor(key) {
      var all = radios(name);
      for (var i = 0; i < all.length; i++) { if (all[i].value === key) { return all[i]; } }
      return null;
    }

    function show() {
      var chosen = null;
      for (var i = 0; i < districts.length; i++) {
        var radio = radioFor(districts[i].getAttribute("data-choice"));
        var on = !!(radio && radio.checked);
        districts[i].querySelector(".district-shape").classList.toggle("chosen", on);
        districts[i].setAttribute("aria-pressed", on ? "true" : "false");
        if (on) { chosen = districts[i].querySelector("title").textContent; }
      }
      if (status) {
        status.textContent = chosen ? status.getAttribute("data-chosen") + " " + chosen : "";
      }
    }

    function choose(district) {
      var radio = radioFor(district.getAttribute("data-choice"));
      if (!radio) { return; }
      radio.checked = true;
      radio.dispatchEvent(new Event("change", {bubbles: true}));
      show();
    }

    for (var i = 0; i < districts.length; i++) {
      var district = districts[i];
      district.classList.add("choosable");
      district.setAttribute("tabindex", "0");
      district.setAttribute("role", "button");
      district.setAttribute("aria-label", district.querySelector("title").textContent);
      district.addEventListener("click", function (event) { choose(event.currentTarget); });
      district.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
          event.preventDefault();  /* Enter must not send the page */
          choose(event.currentTarget);
        }
      });
    }
    var all = radios(name);
    for (var j = 0; j < all.length; j++) { all[j].addEventListener("change", show); }
    show();
  }

  function setUpSearch(box) {
    var name = box.getAttribute("data-for");
    var input = box.querySelector("input");
    var status = box.querySelector('[role="status"]');
    var question = box.closest(".question");
    var options = question.querySelectorAll(".option[data-search]");
    var figure = question.querySelector("figure.district-map");
    box.hidden = false;

    function filter() {
      var query = fold(input.value);
      var shown = 0;
      var visibleKeys = {};
      for (var i = 0; i < options.length; i++) {
        var terms = options[i].getAttribute("data-search").split("|");
        var hint = options[i].querySelector(".place-hint");
        var match = !query || fold(terms[0]).indexOf(query) !== -1;
        var place = null;
        for (var k = 1; !match && k < terms.length; k++) {
          if (fold(terms[k]).indexOf(query) !== -1) { match = true; place = terms[k]; }
        }
        options[i].hidden = !match;
        if (hint) {
          hint.hidden = !place;
          hint.textContent = place ? " (" + place + ")" : "";
        }
        if (match) {
          shown += 1;
          visibleKeys[options[i].querySelector("input").value] = true;
        }
      }
      if (figure) {
        var districts = figure.querySelectorAll("g.district");
        for (var d = 0; d < districts.length; d++) {
          var dim = !!query && !visibleKeys[districts[d].getAttribute("data-choice")];
          districts[d].querySelector(".district-shape").classList.toggle("dimmed", dim);
        }
      }
      status.textContent = shown ? "" : status.getAttribute("data-none");
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  /* searching never sends the page */
    });
    if (name) { filter(); }
  }

  function init() {
    var figures = document.querySelectorAll("figure.district-map[data-for]");
    for (var i = 0; i < figures.length; i++) { setUpMap(figures[i]); }
    var boxes = document.querySelectorAll(".district-search[data-for]");
    for (var j = 0; j < boxes.length; j++) { setUpSearch(boxes[j]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
