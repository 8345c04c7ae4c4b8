/* A student's reflection page: each choice is sent the moment it is made, and the page says
 * whether it was saved. If it was not (the connection dropped), the choice stays on the page
 * and the Save button comes back, so nothing chosen is lost. Without this script the form
 * still works with its Save button. */
(function () {
  "use strict";
  var form = document.getElementById("reflect-form");
  if (!form) { return; }
  document.documentElement.classList.add("live");
  var connection = document.getElementById("connection");
  var toMark = document.getElementById("to-mark");

  function ack(item, text, kind) {
    var el = document.querySelector('[data-ack="' + item + '"]');
    if (!el) { return; }
    el.textContent = text;
    el.className = "ack" + (kind ? " " + kind : "");
  }

  function offline() {
    document.documentElement.classList.remove("live");
    if (connection) {
      connection.textContent = "Not saved: the connection dropped. Press Save when it is back.";
      connection.className = "offline";
    }
  }

  function send(item, choice) {
    ack(item, "Saving…", "waiting");
    fetch("/api/reflect", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ item: item, choice: choice })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok) { ack(item, answer.body.error || "Not saved.", "refused"); return; }
      ack(item, "Saved: " + answer.body.words, "");
      if (connection) { connection.textContent = ""; connection.className = ""; }
      if (toMark) {
        var n = answer.body.still_to_mark;
        toMark.textContent = n ? n + " still to mark." : "All marked: you can change any of them.";
      }
    }).catch(function () { ack(item, "Not saved yet", "waiting"); offline(); });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "radio") { return; }
    send(input.name.slice("item-".length), input.value);
  });
}());
