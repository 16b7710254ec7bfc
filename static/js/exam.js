// The practice exam page: a live countdown, answers saved as they are chosen, a question navigator
// that shows what is answered, and flags for review (kept in this browser only). Without this file
// the page still works: the deadline is printed, and "Save answers" / "Submit for grading" post.
(function () {
  "use strict";

  var form = document.getElementById("exam-form");
  if (!form) {
    return;
  }
  var deadlineEl = document.getElementById("exam-deadline");
  var countdown = document.getElementById("exam-countdown");
  var status = document.getElementById("exam-status");
  var answeredCount = document.getElementById("exam-answered-count");
  var deadline = new Date(deadlineEl.getAttribute("datetime")).getTime();
  var flagsKey = "bds-exam-flags-" + form.getAttribute("data-attempt");
  var announced = {};

  function say(text) {
    status.textContent = text;
  }

  // -- countdown ------------------------------------------------------------------------------
  function pad(number) {
    return number < 10 ? "0" + number : String(number);
  }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var hours = Math.floor(left / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    countdown.textContent = "Time left: " + hours + ":" + pad(minutes) + ":" + pad(left % 60) + ".";
    countdown.hidden = false;
    countdown.classList.toggle("exam-countdown-low", left <= 600);
    [600, 60].forEach(function (mark) {
      if (left <= mark && !announced[mark] && left > 0) {
        announced[mark] = true;
        say(mark / 60 + (mark === 60 ? " minute" : " minutes") + " left.");
      }
    });
    if (left === 0) {
      window.clearInterval(timer);
      say("Time is up: your saved answers are being graded.");
      var submit = document.createElement("input");
      submit.type = "hidden";
      submit.name = "submit";
      submit.value = "1";
      form.appendChild(submit);
      form.submit();
    }
  }
  var timer = window.setInterval(tick, 1000);
  tick();

  // -- navigator and autosave -------------------------------------------------------------------
  function navLink(itemId) {
    return document.querySelector('[data-nav="' + itemId + '"]');
  }

  function refreshAnswered() {
    answeredCount.textContent = String(form.querySelectorAll('input[type="radio"]:checked').length);
  }

  function save() {
    var data = new FormData(form);
    data.append("save", "1");
    return fetch(form.getAttribute("data-autosave-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Exam-Autosave": "1", Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (body.result_url) {
            window.location.assign(body.result_url);
          } else if (!response.ok) {
            throw new Error(body.error || "not saved");
          }
          say("Answer saved.");
        });
      })
      .catch(function () {
        say("Your answer could not be saved just now. Press Save answers to try again.");
      });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type === "radio") {
      var itemId = input.name.replace("item-", "");
      var link = navLink(itemId);
      if (link) {
        link.classList.add("answered");
        link.querySelector(".visually-hidden").textContent = ", answered";
      }
      refreshAnswered();
      save();
    } else if (input.hasAttribute("data-flag")) {
      setFlag(input.getAttribute("data-flag"), input.checked);
    }
  });

  // -- flags for review (this browser only) -------------------------------------------------------
  function flags() {
    try {
      return JSON.parse(window.localStorage.getItem(flagsKey) || "{}");
    } catch (error) {
      return {};
    }
  }

  function setFlag(itemId, on) {
    var current = flags();
    if (on) {
      current[itemId] = true;
    } else {
      delete current[itemId];
    }
    try {
      window.localStorage.setItem(flagsKey, JSON.stringify(current));
    } catch (error) {
      // Private browsing without storage: the flag lasts until the page is left.
    }
    var link = navLink(itemId);
    if (link) {
      link.classList.toggle("flagged", on);
    }
  }

  Object.keys(flags()).forEach(function (itemId) {
    var box = form.querySelector('[data-flag="' + itemId + '"]');
    if (box) {
      box.checked = true;
      setFlag(itemId, true);
    }
  });
})();
