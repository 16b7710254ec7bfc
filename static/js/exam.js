// The practice exam page, like the FAA's computer test: one question per screen (the URL's #q-12
// says which, so a reload comes back to it), a navigator showing answered / flagged questions,
// Previous / Next, a review screen (#review) before a confirmed submit, a live countdown to the
// server's deadline, and each answer or flag saved to the server the moment it changes.
// Changes not yet saved (a lost connection) are kept in localStorage and sent again, also after a
// reload. Without this file the page still works: every question is listed, the deadline is
// printed, and "Save answers" / "Submit for grading" post the form.
(function () {
  "use strict";

  var form = document.getElementById("exam-form");
  if (!form) {
    return;
  }
  var questions = Array.prototype.slice.call(form.querySelectorAll(".exam-question"));
  var total = questions.length;
  var deadlineEl = document.getElementById("exam-deadline");
  var countdown = document.getElementById("exam-countdown");
  var status = document.getElementById("exam-status");
  var announcer = document.getElementById("exam-announce");
  var answeredCount = document.getElementById("exam-answered-count");
  var pager = document.getElementById("exam-pager");
  var review = document.getElementById("review");
  var reviewList = document.getElementById("exam-review-list");
  var reviewCounts = document.getElementById("exam-review-counts");
  var confirmDialog = document.getElementById("exam-confirm");
  var confirmText = document.getElementById("exam-confirm-text");
  var navDetails = document.getElementById("exam-nav-details");
  var csrfToken = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
  var deadline = new Date(deadlineEl.getAttribute("datetime")).getTime();
  var pendingKey = "bds-exam-pending-" + form.getAttribute("data-attempt");
  var announced = {};
  var current = 1;

  function speak(region, text) {
    // Cleared first so the same words are announced again.
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  // The save state, shown under the clock. Screen readers hear only trouble (see warn): a
  // "saved" after every click would talk over the question being read.
  function say(text) {
    status.textContent = text;
  }

  function warn(text) {
    say(text);
    announce(text);
  }

  // Where the student is and how much time is left: screen readers only.
  function announce(text) {
    speak(announcer, text);
  }

  // -- one question per screen ----------------------------------------------------------------
  document.getElementById("exam-form-actions").hidden = true;
  document.getElementById("exam-timebar").hidden = false;
  pager.hidden = false;
  form.classList.add("exam-paged");
  var wideScreen = window.matchMedia("(min-width: 960px)");
  // The navigator is open beside the question on a wide screen, folded above it on a phone.
  navDetails.open = wideScreen.matches;
  wideScreen.addEventListener("change", function () {
    navDetails.open = wideScreen.matches;
  });

  function itemId(section) {
    return section.getAttribute("data-item");
  }

  function isAnswered(section) {
    return !!section.querySelector('input[type="radio"]:checked');
  }

  function isFlagged(section) {
    return section.querySelector("[data-flag]").checked;
  }

  function show(target, moveFocus) {
    var reviewing = target === "review";
    if (!reviewing) {
      current = Math.min(Math.max(1, target), total);
    }
    questions.forEach(function (section, index) {
      section.hidden = reviewing || index + 1 !== current;
    });
    pager.hidden = reviewing;
    review.hidden = !reviewing;
    pager.querySelector('[data-step="-1"]').disabled = current === 1;
    pager.querySelector('[data-step="1"]').disabled = current === total;
    Array.prototype.forEach.call(document.querySelectorAll("[data-nav]"), function (link) {
      var here = !reviewing && Number(link.getAttribute("data-order")) === current;
      if (here) {
        link.setAttribute("aria-current", "step");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    var hash = reviewing ? "#review" : "#q-" + current;
    if (window.location.hash !== hash) {
      window.history.replaceState(null, "", hash);
    }
    if (reviewing) {
      buildReview();
    }
    if (moveFocus) {
      var heading = reviewing ? document.getElementById("review-heading") : questions[current - 1].querySelector("h2");
      heading.focus();
      announce(reviewing ? "Review. " + reviewCounts.textContent : "Question " + current + " of " + total);
      if (!wideScreen.matches) {
        navDetails.open = false;
      }
    }
  }

  function fromHash() {
    var hash = window.location.hash;
    if (hash === "#review") {
      return "review";
    }
    var match = /^#q-(\d+)$/.exec(hash);
    return match ? Number(match[1]) : current;
  }

  pager.addEventListener("click", function (event) {
    var button = event.target.closest("[data-step]");
    if (button) {
      show(current + Number(button.getAttribute("data-step")), true);
    }
  });

  // Navigator links, review links and "Review and submit" all point at #q-N or #review.
  document.addEventListener("click", function (event) {
    var link = event.target.closest('a[href^="#q-"], a[href="#review"]');
    if (!link) {
      return;
    }
    event.preventDefault();
    var href = link.getAttribute("href");
    show(href === "#review" ? "review" : Number(href.slice(3)), true);
  });

  document.getElementById("exam-review-back").addEventListener("click", function () {
    show(current, true);
  });

  window.addEventListener("hashchange", function () {
    show(fromHash(), true);
  });

  // -- review screen and the confirmed submit ---------------------------------------------------
  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  function buildReview() {
    var answered = 0;
    var flagged = 0;
    reviewList.textContent = "";
    questions.forEach(function (section) {
      var order = section.getAttribute("data-order");
      var done = isAnswered(section);
      var flag = isFlagged(section);
      answered += done ? 1 : 0;
      flagged += flag ? 1 : 0;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#q-" + order;
      link.className = "exam-review-link" + (done ? " answered" : "") + (flag ? " flagged" : "");
      var number = document.createElement("span");
      number.className = "exam-review-number";
      number.textContent = "Question " + order;
      var state = document.createElement("span");
      state.className = "exam-review-state";
      state.textContent = (done ? "Answered" : "Not answered") + (flag ? ", flagged" : "");
      link.appendChild(number);
      link.appendChild(document.createTextNode(" "));
      link.appendChild(state);
      item.appendChild(link);
      reviewList.appendChild(item);
    });
    reviewCounts.textContent = answered + " of " + total + " answered, " + flagged + " flagged.";
    return total - answered;
  }

  document.getElementById("exam-review-submit").addEventListener("click", function (event) {
    if (typeof confirmDialog.showModal !== "function") {
      return; // an old browser: the button posts the form as it is
    }
    event.preventDefault();
    var unanswered = buildReview();
    var flagged = form.querySelectorAll("[data-flag]:checked").length;
    confirmText.textContent =
      (unanswered === 0
        ? "All " + total + " questions are answered. "
        : plural(unanswered, "question") + (unanswered === 1 ? " is" : " are") + " not answered and will be marked wrong. ") +
      (flagged ? plural(flagged, "question") + (flagged === 1 ? " is" : " are") + " still flagged for review. " : "") +
      "You cannot change your answers after submitting.";
    confirmDialog.showModal();
  });

  document.getElementById("exam-confirm-cancel").addEventListener("click", function () {
    confirmDialog.close();
  });

  // -- countdown ------------------------------------------------------------------------------
  function pad(number) {
    return number < 10 ? "0" + number : String(number);
  }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var hours = Math.floor(left / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    countdown.textContent = "Time left: " + hours + ":" + pad(minutes) + ":" + pad(left % 60);
    countdown.classList.toggle("exam-countdown-low", left <= 600);
    [600, 60].forEach(function (mark) {
      if (left <= mark && !announced[mark] && left > 0) {
        announced[mark] = true;
        announce(mark / 60 + (mark === 60 ? " minute" : " minutes") + " left.");
      }
    });
    if (left === 0) {
      window.clearInterval(timer);
      warn("Time is up: your saved answers are being graded.");
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

  // -- navigator state ------------------------------------------------------------------------
  function refreshNav(section) {
    var link = document.querySelector('[data-nav="' + itemId(section) + '"]');
    var done = isAnswered(section);
    var flag = isFlagged(section);
    link.classList.toggle("answered", done);
    link.classList.toggle("flagged", flag);
    link.querySelector(".visually-hidden").textContent = (done ? ", answered" : ", not answered") + (flag ? ", flagged" : "");
    answeredCount.textContent = String(form.querySelectorAll('input[type="radio"]:checked').length);
  }

  // -- autosave -------------------------------------------------------------------------------
  function readPending() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(pendingKey) || "null");
      if (stored && typeof stored.answers === "object" && typeof stored.flags === "object") {
        return stored;
      }
    } catch (error) {
      // Unreadable or no storage: start empty.
    }
    return { answers: {}, flags: {} };
  }

  var pending = readPending();
  var sending = false;
  var retry = null;

  function keepPending() {
    try {
      if (hasPending()) {
        window.localStorage.setItem(pendingKey, JSON.stringify(pending));
      } else {
        window.localStorage.removeItem(pendingKey);
      }
    } catch (error) {
      // Private browsing without storage: unsaved changes last while the page is open.
    }
  }

  function hasPending() {
    return Object.keys(pending.answers).length > 0 || Object.keys(pending.flags).length > 0;
  }

  function flush() {
    if (sending || !hasPending()) {
      return;
    }
    sending = true;
    var sent = JSON.parse(JSON.stringify(pending));
    fetch(form.getAttribute("data-autosave-url"), {
      method: "POST",
      body: JSON.stringify(sent),
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "X-CSRFToken": csrfToken,
        "X-Exam-Autosave": "1",
        Accept: "application/json",
      },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (body.result_url) {
            window.location.assign(body.result_url);
            return;
          }
          if (response.status === 400) {
            // Refused as malformed (a stale or edited copy in storage): sending it again cannot help.
            pending = { answers: {}, flags: {} };
            keepPending();
            warn("That change could not be saved. Please choose again.");
            return;
          }
          if (!response.ok) {
            throw new Error(body.error || "not saved");
          }
          // Drop what was saved, unless it changed again while the request was out.
          ["answers", "flags"].forEach(function (kind) {
            Object.keys(sent[kind]).forEach(function (key) {
              if (pending[kind][key] === sent[kind][key]) {
                delete pending[kind][key];
              }
            });
          });
          keepPending();
          say(hasPending() ? "Saving…" : "All changes saved.");
        });
      })
      .catch(function () {
        warn("Not saved yet: no connection. Your choice is kept and will be sent again.");
        window.clearTimeout(retry);
        retry = window.setTimeout(flush, 5000);
      })
      .then(function () {
        sending = false;
        if (hasPending()) {
          window.clearTimeout(retry);
          retry = window.setTimeout(flush, 1000);
        }
      });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    var section = input.closest(".exam-question");
    if (!section) {
      return;
    }
    if (input.type === "radio") {
      pending.answers[itemId(section)] = Number(input.value);
    } else if (input.hasAttribute("data-flag")) {
      pending.flags[itemId(section)] = input.checked;
    } else {
      return;
    }
    keepPending();
    refreshNav(section);
    say("Saving…");
    flush();
  });

  window.addEventListener("online", flush);

  // Changes that did not reach the server before a reload are put back on the page and sent.
  questions.forEach(function (section) {
    var id = itemId(section);
    if (Object.prototype.hasOwnProperty.call(pending.answers, id)) {
      var radio = section.querySelector('input[type="radio"][value="' + pending.answers[id] + '"]');
      if (radio) {
        radio.checked = true;
      }
    }
    if (Object.prototype.hasOwnProperty.call(pending.flags, id)) {
      section.querySelector("[data-flag]").checked = !!pending.flags[id];
    }
    refreshNav(section);
  });
  flush();

  show(fromHash(), false);
})();
