/*
 * The pages that the links of subscription mails open: /subscription-confirm/ and /unsubscribe/
 * (and their /en/ twins). The token is in the URL's fragment (#token=…), which the browser never
 * sends to a server. Opening the page changes nothing (mail scanners open links); the button
 * posts the token:
 *   confirm:     POST /api/subscriptions/confirm {"token": …}
 *   unsubscribe: POST /api/subscriptions/unsubscribe?token=… with the RFC 8058 body
 *                List-Unsubscribe=One-Click, exactly what a mail program's one-click sends.
 */
(function () {
  "use strict";

  var forms = window.tcForms;
  var form = document.querySelector("form[data-action]");
  if (!forms || !form) {
    return;
  }
  var action = form.getAttribute("data-action");
  var lang = form.getAttribute("data-lang") || document.documentElement.lang;
  var api = form.getAttribute("data-api") || "/api";
  var TEXT = forms.texts(action);
  var button = form.querySelector("button[type=submit]");
  var statusLine = document.getElementById(action + "-status");
  var result = document.getElementById(action + "-result");
  var token = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("token");

  function show(text, success) {
    result.textContent = "";
    var line = document.createElement("p");
    if (success) {
      line.className = "tc-success";
    }
    line.textContent = text;
    result.appendChild(line);
    result.hidden = false;
    forms.reveal(result);
  }

  function send() {
    if (action === "confirm") {
      return forms.postJson(api + "/subscriptions/confirm", { token: token }, lang);
    }
    return fetch(api + "/subscriptions/unsubscribe?token=" + encodeURIComponent(token), {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json",
        "Accept-Language": lang,
      },
      body: "List-Unsubscribe=One-Click",
    });
  }

  function submit(event) {
    event.preventDefault();
    button.disabled = true;
    statusLine.textContent = TEXT.working;
    send()
      .then(function (response) {
        if (response.ok) {
          statusLine.textContent = "";
          form.hidden = true;
          show(TEXT.done, true);
          return null;
        }
        return forms.readError(response).then(function (error) {
          statusLine.textContent = error.message || TEXT.unexpected;
        });
      })
      .catch(function () {
        statusLine.textContent = TEXT.network;
      })
      .then(function () {
        button.disabled = false;
      });
  }

  if (!token) {
    show(TEXT.noToken, false);
    return;
  }
  form.hidden = false;
  form.addEventListener("submit", submit);
})();
