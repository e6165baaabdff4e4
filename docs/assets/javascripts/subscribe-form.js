/*
 * Subscribing to subprocessor changes (the form on /subprocessors/ and /en/subprocessors/):
 * POST /api/subscriptions, then the page asks the person to confirm from their inbox. The answer
 * is the same for every address, so the page says the same for every address. Captcha, checks
 * and error display are forms.js's (loaded before this file).
 */
(function () {
  "use strict";

  var forms = window.tcForms;
  var page = forms && forms.attach("subscribe", "tcSubscribeCaptchaLoaded");
  if (!page) {
    return;
  }
  var form = page.form;
  var TEXT = page.text;
  var errors = page.errors;
  var captcha = page.captcha;
  var button = form.querySelector("button[type=submit]");
  var statusLine = document.getElementById("subscribe-status");
  var result = document.getElementById("subscribe-result");

  function payload() {
    var language = form.querySelector('[name="language"]:checked');
    return {
      email: form.querySelector('[name="email"]').value.trim(),
      language: language ? language.value : page.lang,
      captcha_token: captcha.token(),
      website: document.getElementById("subscribe-website").value,
    };
  }

  function done() {
    result.textContent = "";
    var line = document.createElement("p");
    line.className = "tc-success";
    line.textContent = TEXT.done;
    result.appendChild(line);
    form.reset();
    form.hidden = true;
    result.hidden = false;
    forms.reveal(result);
  }

  function submit(event) {
    event.preventDefault();
    statusLine.textContent = "";
    var found = page.check();
    errors.report(found);
    if (found.length) {
      return;
    }
    button.disabled = true;
    statusLine.textContent = TEXT.sending;
    forms
      .postJson(page.api + "/subscriptions", payload(), page.lang, { Accept: "application/json" })
      .then(function (response) {
        if (response.status !== 202) {
          return page.failed(response, statusLine);
        }
        statusLine.textContent = "";
        captcha.reset();
        done();
      })
      .catch(function () {
        statusLine.textContent = TEXT.network;
      })
      .then(function () {
        button.disabled = false;
      });
  }

  forms
    .getJson(page.api, "/config")
    .then(function (config) {
      captcha.start(form, config);
      form.addEventListener("submit", submit);
      button.disabled = false;
    })
    .catch(function () {
      statusLine.textContent = TEXT.configFailed;
    });
})();
