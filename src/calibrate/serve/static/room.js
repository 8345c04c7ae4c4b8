/* calibrate's room page: every choice is saved at once; nothing typed is lost.
 *
 * A score goes into a queue kept on this device (localStorage) before it is sent, and leaves
 * the queue only when the server says it is stored. If the connection drops, the page says so,
 * keeps the queue (across reloads and pages too) and sends it when the server answers again.
 * The queue holds the latest value per item, and saving the same value twice changes nothing
 * on the server, so a resend never doubles a score. Without this script the form still works.
 */
(function () {
  "use strict";
  var body = document.body;
  var pageKind = body.dataset.page;
  if (!pageKind) { return; }
  document.documentElement.classList.add("live");

  var POLL_MS = 3000;
  var RETRY_MS = 2000;
  var connection = document.getElementById("connection");

  function say(text, kind) {
    if (!connection) { return; }
    connection.textContent = text;
    connection.className = kind || "";
  }

  /* ---- the queue of unsent scores ---------------------------------------------------- */
  var storeKey = "calibrate.queue." + body.dataset.session + "." + body.dataset.rater;
  var memory = {};
  var persistent = true;
  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}"); }
    catch (e) { persistent = false; return memory; }
  }
  function keep(queue) {
    memory = queue;
    try { window.localStorage.setItem(storeKey, JSON.stringify(queue)); }
    catch (e) { persistent = false; }
  }
  function waiting() { return Object.keys(load()).length; }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function ackFor(key) { return document.querySelector('[data-ack="' + key + '"]'); }
  function mark(payload, text, kind) {
    if (String(payload.sample_id) !== body.dataset.sample) { return; }
    var ack = ackFor(payload.criterion);
    if (!ack) { return; }
    ack.textContent = text;
    ack.className = "ack" + (kind ? " " + kind : "");
  }

  function enqueue(payload) {
    var queue = load();
    queue[payload.sample_id + "/" + payload.criterion] = payload;
    keep(queue);
    mark(payload, "Saving " + payload.level + "…", "waiting");
    send();
  }

  var sending = false;
  var retry = null;
  function offline() {
    var n = waiting();
    say(n === 0 ? "Offline: the connection to the meeting is lost. Anything you choose is kept on this device until it is back."
                : "Offline: " + plural(n, "score is", "scores are") +
                  " kept on this device and will be sent when the connection is back.", "offline");
    if (retry === null) { retry = window.setTimeout(function () { retry = null; send(); }, RETRY_MS); }
  }

  function send() {
    if (sending) { return; }
    var queue = load();
    var keys = Object.keys(queue);
    if (keys.length === 0) { return; }
    sending = true;
    var key = keys[0];
    var payload = queue[key];
    fetch("/api/score", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (answer) { return [response.status, answer]; },
                                  function () { return [response.status, {}]; });
    }).then(function (result) {
      var status = result[0], answer = result[1];
      sending = false;
      if (status >= 500) { offline(); return; }
      if (status === 401) {
        say("Your seat was freed or you left. Join again: your unsent scores stay on this device.", "refused");
        return;
      }
      var now = load();
      if (JSON.stringify(now[key]) === JSON.stringify(payload)) { delete now[key]; keep(now); }
      if (status === 200) {
        mark(payload, "Saved: " + payload.level);
        var scored = document.getElementById("scored");
        if (scored && typeof answer.scored === "number") { scored.textContent = answer.scored; }
        if (waiting() === 0) { say("All your scores are saved."); }
      } else {
        mark(payload, "Not saved: " + (answer.error || "refused"), "refused");
        say(answer.error || "A score was refused.", "refused");
        if (answer.code === "moved") { window.setTimeout(function () { window.location.reload(); }, 2500); }
      }
      send();
    }, function () { sending = false; offline(); });
  }

  /* ---- the scoring page ---------------------------------------------------------------- */
  function scorePage() {
    var form = document.getElementById("score-form");
    var round = Number(body.dataset.round);
    var sample = Number(body.dataset.sample);
    var groups = Array.prototype.slice.call(document.querySelectorAll("fieldset.criterion"));

    function chosen(group) { return group.querySelector("input[type=radio]:checked"); }
    function noteOf(group) { return group.querySelector("input.note"); }
    function payloadOf(group) {
      var radio = chosen(group);
      if (!radio) { return null; }
      return { sample_id: sample, criterion: group.dataset.key, level: Number(radio.value),
               note: noteOf(group).value, round: round };
    }

    groups.forEach(function (group) {
      group.addEventListener("change", function (event) {
        if (event.target.type === "radio") {
          enqueue(payloadOf(group));
        }
      });
      var note = noteOf(group);
      var timer = null;
      function saveNote() {
        var payload = payloadOf(group);
        if (payload) { enqueue(payload); }
        else if (note.value.trim()) { mark({ sample_id: sample, criterion: group.dataset.key }, "Choose a level to save the note with it.", "waiting"); }
      }
      note.addEventListener("input", function () {
        if (timer !== null) { window.clearTimeout(timer); }
        timer = window.setTimeout(function () { timer = null; saveNote(); }, 800);
      });
      note.addEventListener("change", saveNote);
      note.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); saveNote(); }
        if (event.key === "Escape") { note.blur(); }
      });
    });

    /* What is still queued for this sample is shown as chosen, and marked as waiting. */
    var queue = load();
    Object.keys(queue).forEach(function (key) {
      var payload = queue[key];
      if (payload.sample_id !== sample) { return; }
      var group = document.querySelector('fieldset.criterion[data-key="' + payload.criterion + '"]');
      if (!group) { return; }
      var radio = group.querySelector('input[type=radio][value="' + payload.level + '"]');
      if (radio) { radio.checked = true; }
      noteOf(group).value = payload.note;
      mark(payload, "Waiting to be sent: " + payload.level, "waiting");
    });

    /* Previous / next just move: every choice is already saved or queued on this device. */
    Array.prototype.forEach.call(form.querySelectorAll("button[data-go]"), function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var go = function () { window.location.href = button.dataset.go; };
        if (persistent || waiting() === 0) { go(); return; }
        send(); window.setTimeout(go, 1500);
      });
    });

    function currentGroup() {
      var active = document.activeElement;
      for (var i = 0; i < groups.length; i++) { if (groups[i].contains(active)) { return i; } }
      for (var j = 0; j < groups.length; j++) { if (!chosen(groups[j])) { return j; } }
      return 0;
    }
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      if (target && (target.tagName === "TEXTAREA" || (target.tagName === "INPUT" && target.type !== "radio"))) { return; }
      if (/^[0-9]$/.test(event.key) && groups.length) {
        var index = currentGroup();
        var group = groups[index];
        var radio = group.querySelector('input[type=radio][value="' + event.key + '"]');
        event.preventDefault();
        if (!radio) { mark({ sample_id: sample, criterion: group.dataset.key }, "There is no level " + event.key + " here.", "refused"); return; }
        radio.checked = true;
        radio.focus();
        enqueue(payloadOf(group));
        var next = groups[index + 1];
        if (next) { (chosen(next) || next.querySelector("input[type=radio]")).focus(); }
        return;
      }
      var move = event.key === "n" ? "next" : (event.key === "p" ? "previous" : null);
      if (move) {
        var button = form.querySelector('button[data-go][value="' + move + '"]');
        if (button) { event.preventDefault(); button.click(); }
      }
    });
  }

  /* ---- the room's state: reveal, a new round ------------------------------------------- */
  function poll() {
    fetch("/api/state", { credentials: "same-origin" }).then(function (response) {
      if (response.status === 401) { window.location.href = "/"; return null; }
      return response.ok ? response.json() : null;
    }).then(function (state) {
      if (!state) { return; }
      if (pageKind === "score") {
        if (state.phase !== "scoring") {
          say("The facilitator has revealed the scores: opening the team's spread…");
          window.setTimeout(function () { window.location.href = "/reveal"; }, 1200);
          return;
        }
        if (String(state.round) !== body.dataset.round) { window.location.reload(); return; }
        if (waiting() > 0) { send(); }
      } else if (pageKind === "reveal" && state.phase === "scoring") {
        window.location.href = "/score";
        return;
      }
      window.setTimeout(poll, POLL_MS);
    }, function () {
      if (pageKind === "score") { offline(); }
      window.setTimeout(poll, POLL_MS);
    });
  }

  if (pageKind === "score") { scorePage(); send(); }
  window.addEventListener("online", send);
  window.setTimeout(poll, POLL_MS);
})();
