/*
 * The privacy inquiry form (/contact/ and /en/contact/): POST /api/contact, then the
 * reference and the answer's due date are shown. Captcha, checks and error display are
 * forms.js's (loaded before this file).
 */
(function () {
  "use strict";

  var forms = window.tcForms;
  var page = forms && forms.attach("contact", "tcContactCaptchaLoaded");
  if (!page) {
    return;
  }
  var form = page.form;
  var lang = page.lang;
  var api = page.api;
  var TEXT = page.text;
  var errors = page.errors;
  var captcha = page.captcha;
  var button = form.querySelector("button[type=submit]");
  var statusLine = document.getElementById("contact-status");
  var result = document.getElementById("contact-result");
  var idempotencyKey = null;

  // A link may choose the type of request: a notice of a subprocessor change links here with
  // ?request_type=subprocessor_objection.
  (function chooseAskedType() {
    var asked = new URLSearchParams(window.location.search).get("request_type");
    var select = form.querySelector('[name="request_type"]');
    for (var i = 0; asked && i < select.options.length; i++) {
      if (select.options[i].value === asked) {
        select.selectedIndex = i;
      }
    }
  })();

  function value(name) {
    var input = form.querySelector('[name="' + name + '"]');
    return input.type === "checkbox" ? input.checked : input.value.trim();
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function payload() {
    return {
      request_type: value("request_type"),
      requester_role: value("requester_role"),
      name: value("name"),
      email: value("email"),
      company: value("company") || null,
      message: value("message"),
      language: lang,
      privacy_notice_accepted: value("privacy_notice_accepted"),
      captcha_token: captcha.token(),
      website: document.getElementById("contact-website").value,
    };
  }

  // The answer ------------------------------------------------------------------------------

  function localDate(isoDate) {
    var parts = isoDate.split("-");
    var date = new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2]));
    return date.toLocaleDateString(TEXT.locale, {
      day: "numeric",
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    });
  }

  function row(list, term, detail, id) {
    var dt = document.createElement("dt");
    dt.textContent = term;
    var dd = document.createElement("dd");
    dd.textContent = detail;
    if (id) {
      dd.id = id;
    }
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function showReceipt(receipt) {
    result.textContent = "";
    var heading = document.createElement("p");
    heading.className = "tc-success";
    heading.textContent = TEXT.done;
    result.appendChild(heading);
    var list = document.createElement("dl");
    list.className = "tc-details";
    row(list, TEXT.reference, receipt.reference, "contact-reference");
    row(
      list,
      TEXT.received,
      new Date(receipt.received_at).toLocaleString(TEXT.locale, {
        dateStyle: "long",
        timeStyle: "short",
      })
    );
    row(list, TEXT.due, localDate(receipt.due_by), "contact-due-by");
    result.appendChild(list);
    if (receipt.notice) {
      var notice = document.createElement("p");
      notice.id = "contact-notice";
      notice.textContent = receipt.notice;
      result.appendChild(notice);
    }
    var mail = document.createElement("p");
    mail.textContent = TEXT.mail;
    result.appendChild(mail);
    var again = document.createElement("button");
    again.type = "button";
    again.className = "md-button";
    again.textContent = TEXT.another;
    again.addEventListener("click", function () {
      result.hidden = true;
      form.hidden = false;
      form.querySelector('[name="request_type"]').focus();
    });
    result.appendChild(again);
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
    // Kept until the inquiry is accepted, so a retry after a lost answer cannot file it twice.
    idempotencyKey = idempotencyKey || newKey();
    button.disabled = true;
    statusLine.textContent = TEXT.sending;
    forms
      .postJson(api + "/contact", payload(), lang, {
        Accept: "application/json",
        "Idempotency-Key": idempotencyKey,
      })
      .then(function (response) {
        if (response.status !== 201) {
          return page.failed(response, statusLine);
        }
        return response.json().then(function (receipt) {
          idempotencyKey = null;
          statusLine.textContent = "";
          captcha.reset();
          showReceipt(receipt);
        });
      })
      .catch(function () {
        statusLine.textContent = TEXT.network;
      })
      .then(function () {
        button.disabled = false;
      });
  }

  forms
    .getJson(api, "/config")
    .then(function (config) {
      captcha.start(form, config);
      form.addEventListener("submit", submit);
      button.disabled = false;
    })
    .catch(function () {
      statusLine.textContent = TEXT.configFailed;
    });
})();
