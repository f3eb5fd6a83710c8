// secreview workspace: autosave and the live decision for the questionnaire.
// Progressive enhancement only: without this script the form posts as plain HTML and works the
// same. Every answer is sent as soon as it changes (text after a short pause), one request at a
// time and in order, so a fast series of answers is stored exactly as given.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  if (!form || !form.dataset.autosave) { return; }
  var url = form.dataset.autosave;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var status = document.getElementById("draft-status");
  var panel = document.getElementById("decision");
  var chain = Promise.resolve();
  var pending = 0;
  var timers = {};

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function belongs(name, path) {
    return name === "f:" + path || name === "s:" + path || name === "p:" + path ||
      name.indexOf("o:" + path + ":") === 0;
  }

  function markListed(fieldset, target) {
    // Ticking a value, typing a list or filling an entry means "these": say so for the user.
    if (!target || target.name.indexOf("s:") === 0) { return; }
    var listed = fieldset.querySelector("input[type=radio][name^='s:'][value=listed]");
    if (listed && !listed.checked) {
      var hasValue = target.type === "checkbox" ? target.checked : target.value.trim() !== "";
      if (hasValue) { listed.checked = true; }
    }
  }

  function showProblems(fieldset, problems) {
    var box = fieldset.querySelector(".problems");
    box.textContent = "";
    (problems || []).forEach(function (text) {
      var pre = document.createElement("pre");
      pre.className = "problem";
      pre.textContent = text;
      box.appendChild(pre);
    });
    fieldset.classList.toggle("has-problem", !!(problems && problems.length));
  }

  function applyHidden(hidden) {
    var set = {};
    hidden.forEach(function (path) { set[path] = true; });
    form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
      fieldset.hidden = !!set[fieldset.dataset.path];
    });
  }

  function send(fieldset, attempt) {
    attempt = attempt || 0;
    var path = fieldset.dataset.path;
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && belongs(name, path)) { body.append(name, value); }
    });
    body.append("csrf_token", csrf);
    pending += 1;
    fieldset.classList.add("saving");
    chain = chain.then(function () {
      return fetch(url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"X-CSRF-Token": csrf, "Accept": "application/json"}
      }).then(function (response) {
        if (response.status === 503 && attempt < 3) {
          // The register was busy and changed nothing: send the same answer again shortly.
          setTimeout(function () { send(fieldset, attempt + 1); }, 1000 * (attempt + 1));
          return {retry: true};
        }
        return response.json().then(function (data) { return {ok: response.ok, data: data}; });
      }).then(function (result) {
        if (result.retry) { return; }
        var data = result.data;
        if (result.ok && data.ok) {
          panel.innerHTML = data.decision_html;  // rendered and escaped by the server
          applyHidden(data.hidden);
          showProblems(fieldset, []);
          say(form.dataset.msgSaved.replace("{time}", data.saved_at), false);
          form.dataset.revision = data.revision;
        } else {
          var problems = [];
          Object.keys(data.problems || {}).forEach(function (key) {
            problems = problems.concat(data.problems[key]);
          });
          showProblems(fieldset, problems.length ? problems : [data.error || "?"]);
          say(form.dataset.msgFailed, true);
        }
      }).catch(function () {
        say(form.dataset.msgOffline, true);
      }).then(function () {
        pending -= 1;
        fieldset.classList.remove("saving");
      });
    });
  }

  function changed(event) {
    var fieldset = event.target.closest("fieldset.question");
    if (!fieldset) { return; }
    markListed(fieldset, event.target);
    var path = fieldset.dataset.path;
    var typing = event.type === "input" && (event.target.tagName === "TEXTAREA" ||
      (event.target.tagName === "INPUT" && /^(text|search|date)$/.test(event.target.type)));
    clearTimeout(timers[path]);
    if (typing) {
      timers[path] = setTimeout(function () { send(fieldset); }, 500);
    } else if (event.type === "change") {
      send(fieldset);
    }
  }

  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  window.addEventListener("beforeunload", function (event) {
    if (pending > 0) { event.preventDefault(); event.returnValue = ""; }
  });
  form.dataset.enhanced = "1";
}());
