/*
 * The privacy inquiry form (/contact/ and /en/contact/): POST /api/contact, then the
 * reference and the answer's due date are shown.
 *
 * No inline script or style (the site's CSP forbids both). hCaptcha's script is loaded only
 * once the person starts filling in the form, as the privacy notice says, and not at all while
 * the API runs its captcha in development mode (GET /api/config tells). The checks below
 * mirror the server's (api/validation.py, api/inquiries/schemas.py); the server has the last
 * word and its field messages are shown the same way.
 */
(function () {
  "use strict";

  var form = document.getElementById("contact-form");
  if (!form) {
    return;
  }
  var lang = form.getAttribute("data-lang") === "en" ? "en" : "de";
  var api = form.getAttribute("data-api") || "/api";
  var button = form.querySelector("button[type=submit]");
  var statusLine = document.getElementById("contact-status");
  var summary = document.getElementById("contact-error-summary");
  var result = document.getElementById("contact-result");

  var TEXT = {
    de: {
      required: "Bitte füllen Sie dieses Feld aus.",
      choose: "Bitte wählen Sie einen Eintrag.",
      tooLong: "Bitte kürzen Sie auf höchstens {max} Zeichen.",
      singleLine: "Bitte nur eine Zeile, ohne Zeilenumbrüche oder Steuerzeichen.",
      controls: "Bitte entfernen Sie Steuerzeichen aus dem Text.",
      email: "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.",
      accept: "Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben.",
      captcha: "Bitte lösen Sie das Captcha.",
      summary: "Bitte prüfen Sie die markierten Angaben:",
      sending: "Ihre Anfrage wird gesendet …",
      network: "Der Server ist gerade nicht erreichbar. Ihre Anfrage wurde nicht gesendet; bitte versuchen Sie es gleich noch einmal.",
      unexpected: "Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.",
      configFailed: "Das Formular konnte nicht vorbereitet werden. Bitte laden Sie die Seite neu.",
      done: "Vielen Dank. Ihre Anfrage ist eingegangen.",
      reference: "Ihre Referenz",
      received: "Eingegangen am",
      due: "Wir antworten spätestens bis",
      mail: "Eine Bestätigung mit Referenz und Frist ist auf dem Weg an Ihre E-Mail-Adresse. Bitte geben Sie die Referenz bei Rückfragen an.",
      another: "Weitere Anfrage stellen",
      locale: "de-DE",
    },
    en: {
      required: "Please fill in this field.",
      choose: "Please choose an entry.",
      tooLong: "Please shorten this to at most {max} characters.",
      singleLine: "Please use a single line, without line breaks or control characters.",
      controls: "Please remove control characters from the text.",
      email: "Please enter a valid email address, e.g. name@example.com.",
      accept: "Please confirm that you have read the privacy notice.",
      captcha: "Please solve the captcha.",
      summary: "Please check the marked fields:",
      sending: "Sending your inquiry …",
      network: "The server cannot be reached right now. Your inquiry was not sent; please try again in a moment.",
      unexpected: "An unexpected error occurred. Please try again later.",
      configFailed: "The form could not be prepared. Please reload the page.",
      done: "Thank you. We have received your inquiry.",
      reference: "Your reference",
      received: "Received on",
      due: "We will answer by",
      mail: "An acknowledgement with the reference and the due date is on its way to your email address. Please quote the reference in any follow-up.",
      another: "Send another inquiry",
      locale: "en-GB",
    },
  }[lang];

  // The server's rules: single-line fields refuse C0/C1 controls and line separators; the
  // message allows line breaks and tabs only.
  var SINGLE_LINE_BAD = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
  var MULTI_LINE_BAD = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;
  // A pragmatic mirror of the server's email check (which has the last word).
  var EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

  var FIELDS = {
    request_type: { id: "contact-request-type", choice: true },
    requester_role: { id: "contact-requester-role", choice: true },
    message: { id: "contact-message", max: 5000, multiline: true, required: true },
    name: { id: "contact-name", max: 200, required: true },
    email: { id: "contact-email", max: 254, required: true, email: true },
    company: { id: "contact-company", max: 200 },
    privacy_notice_accepted: { id: "contact-privacy", checkbox: true },
  };

  var captcha = { mode: null, sitekey: null, widget: null, loading: false };
  var idempotencyKey = null;

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) {
      return values[key];
    });
  }

  function element(name) {
    return document.getElementById(FIELDS[name] ? FIELDS[name].id : "contact-" + name);
  }

  function errorElement(name) {
    return document.getElementById("err-" + name);
  }

  function setError(name, message) {
    var target = errorElement(name);
    var input = element(name);
    if (target) {
      target.textContent = message || "";
      target.hidden = !message;
    }
    if (input) {
      if (message) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
    }
  }

  function clearErrors() {
    Object.keys(FIELDS).forEach(function (name) {
      setError(name, null);
    });
    setError("captcha_token", null);
    summary.hidden = true;
    summary.textContent = "";
  }

  function fieldLabel(name) {
    var input = element(name);
    var label = input ? form.querySelector('label[for="' + input.id + '"]') : null;
    if (name === "captcha_token") {
      label = document.getElementById("contact-captcha-label");
    }
    return label ? label.textContent.replace(/\s*\*\s*$/, "") : name;
  }

  function showSummary(errors) {
    var names = Object.keys(errors);
    summary.textContent = "";
    var intro = document.createElement("p");
    intro.textContent = TEXT.summary;
    summary.appendChild(intro);
    var list = document.createElement("ul");
    names.forEach(function (name) {
      var item = document.createElement("li");
      var input = element(name);
      var link = document.createElement("a");
      link.href = "#" + (input ? input.id : "contact-captcha-field");
      link.textContent = fieldLabel(name) + ": " + errors[name];
      link.addEventListener("click", function (event) {
        if (input) {
          event.preventDefault();
          input.focus();
        }
      });
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.appendChild(list);
    summary.hidden = false;
    summary.focus();
  }

  function value(name) {
    var input = element(name);
    if (FIELDS[name].checkbox) {
      return input.checked;
    }
    return input.value.trim();
  }

  function check() {
    var errors = {};
    Object.keys(FIELDS).forEach(function (name) {
      var spec = FIELDS[name];
      var current = value(name);
      if (spec.checkbox) {
        if (current !== true) {
          errors[name] = TEXT.accept;
        }
        return;
      }
      if (spec.choice) {
        if (!current) {
          errors[name] = TEXT.choose;
        }
        return;
      }
      if (!current) {
        if (spec.required) {
          errors[name] = TEXT.required;
        }
        return;
      }
      if (current.length > spec.max) {
        errors[name] = format(TEXT.tooLong, { max: spec.max });
      } else if (spec.multiline ? MULTI_LINE_BAD.test(current) : SINGLE_LINE_BAD.test(current)) {
        errors[name] = spec.multiline ? TEXT.controls : TEXT.singleLine;
      } else if (spec.email && !EMAIL.test(current)) {
        errors[name] = TEXT.email;
      }
    });
    if (captcha.mode === "hcaptcha" && !captchaToken()) {
      errors.captcha_token = TEXT.captcha;
    }
    return errors;
  }

  function showErrors(errors) {
    clearErrors();
    Object.keys(errors).forEach(function (name) {
      setError(name, errors[name]);
    });
    if (Object.keys(errors).length) {
      showSummary(errors);
    }
  }

  // hCaptcha ---------------------------------------------------------------------------

  function captchaToken() {
    if (captcha.widget === null || !window.hcaptcha) {
      return null;
    }
    return window.hcaptcha.getResponse(captcha.widget) || null;
  }

  window.tcContactCaptchaLoaded = function () {
    captcha.widget = window.hcaptcha.render("contact-captcha", {
      sitekey: captcha.sitekey,
      hl: lang,
      callback: function () {
        setError("captcha_token", null);
      },
    });
  };

  function loadCaptcha() {
    if (captcha.mode !== "hcaptcha" || captcha.loading) {
      return;
    }
    captcha.loading = true;
    document.getElementById("contact-captcha-field").hidden = false;
    var script = document.createElement("script");
    script.src =
      "https://js.hcaptcha.com/1/api.js?render=explicit&onload=tcContactCaptchaLoaded&hl=" + lang;
    script.async = true;
    document.head.appendChild(script);
  }

  function startedFilling() {
    form.removeEventListener("input", startedFilling);
    form.removeEventListener("change", startedFilling);
    loadCaptcha();
  }

  // Sending ----------------------------------------------------------------------------

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
      captcha_token: captchaToken(),
      website: document.getElementById("contact-website").value,
    };
  }

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
      element("request_type").focus();
    });
    result.appendChild(again);
    form.reset();
    form.hidden = true;
    result.hidden = false;
    result.focus();
  }

  function resetCaptcha() {
    if (captcha.widget !== null && window.hcaptcha) {
      window.hcaptcha.reset(captcha.widget); // a token is good for one request only
    }
  }

  function failed(response, body) {
    var error = body && body.error ? body.error : null;
    var fields = error && error.fields ? error.fields : {};
    if (Object.keys(fields).length) {
      showErrors(fields);
    }
    statusLine.textContent = error && error.message ? error.message : TEXT.unexpected;
    if (response.status === 400 || response.status === 422 || response.status === 503) {
      resetCaptcha();
    }
  }

  function submit(event) {
    event.preventDefault();
    statusLine.textContent = "";
    var errors = check();
    if (Object.keys(errors).length) {
      showErrors(errors);
      return;
    }
    clearErrors();
    // Kept until the inquiry is accepted, so a retry after a lost answer cannot file it twice.
    idempotencyKey = idempotencyKey || newKey();
    button.disabled = true;
    statusLine.textContent = TEXT.sending;
    fetch(api + "/contact", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "Accept-Language": lang,
        "Idempotency-Key": idempotencyKey,
      },
      body: JSON.stringify(payload()),
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (body) {
            if (response.status === 201 && body && body.reference) {
              idempotencyKey = null;
              statusLine.textContent = "";
              resetCaptcha();
              showReceipt(body);
            } else {
              failed(response, body);
            }
          });
      })
      .catch(function () {
        statusLine.textContent = TEXT.network;
      })
      .then(function () {
        button.disabled = false;
      });
  }

  fetch(api + "/config", { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("config " + response.status);
      }
      return response.json();
    })
    .then(function (config) {
      captcha.mode = config.captcha.mode;
      captcha.sitekey = config.captcha.sitekey;
      form.addEventListener("input", startedFilling);
      form.addEventListener("change", startedFilling);
      form.addEventListener("submit", submit);
      button.disabled = false;
    })
    .catch(function () {
      statusLine.textContent = TEXT.configFailed;
    });
})();
