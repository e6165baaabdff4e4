/*
 * What the Trust Center's forms share (contact-form.js, dpa-form.js), as `window.tcForms`.
 * Each form page loads this file with its own <script src> before the form's script; no
 * inline script or style anywhere (the site's CSP forbids both).
 *
 * - hCaptcha's script is loaded only once the person starts filling in the form, as the
 *   privacy notice says, and not at all while the API runs its captcha in development mode
 *   (GET /api/config tells);
 * - client-side checks mirror the server's (api/core/validation.py); the server has the last
 *   word; their messages are the server's, which the page carries (see `texts`);
 * - an error is shown at its field (the field's aria-describedby names the `err-…` element)
 *   and in a summary that links to each field;
 * - requests are JSON, and the API's {"error": {"code", "message", "fields"}} is mapped onto
 *   the fields the same way as the client's own checks.
 */
(function () {
  "use strict";

  // The server's rules: single-line fields refuse C0/C1 controls and line separators; free
  // text (a <textarea>) allows line breaks and tabs only.
  var SINGLE_LINE_BAD = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
  var MULTI_LINE_BAD = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;
  // ...and invisible format characters (Unicode category Cf, e.g. a right-to-left override).
  var FORMAT_CHARS = /\p{Cf}/u;
  // A pragmatic mirror of the server's email check (which has the last word).
  var EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

  /* "Unternehmen (optional)", "Name *" and "… gelesen. *" lose their endings in the summary. */
  function cleanLabel(text) {
    return text
      .replace(/\s*\*\s*$/, "")
      .replace(/\s*\([^)]*\)\s*$/, "")
      .replace(/[.:]\s*$/, "")
      .trim();
  }

  /*
   * Bring what the person must read now (an error summary, the receipt of a request) into view
   * and give it the focus, so screen readers read it. It scrolls to the element's top; the
   * element's scroll-margin-top (forms.css) keeps it below the sticky header and below
   * Material's back-to-top button, which appears when the page scrolls up.
   */
  function reveal(element) {
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "start" });
  }

  function format(text, params) {
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : all;
    });
  }

  /*
   * The form's texts, in the page's language: the page carries them (rendered from the same
   * catalogue as the API's messages) in a JSON data block `<prefix>-texts`.
   */
  function texts(prefix) {
    var block = document.getElementById(prefix + "-texts");
    return block ? JSON.parse(block.textContent) : {};
  }

  // --- talking to the API -------------------------------------------------------------------

  function getJson(api, path) {
    return fetch(api + path, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  /* GET /api/health answers 503 with the same JSON while the database is down: read it anyway. */
  function getHealth(api) {
    return fetch(api + "/health", { headers: { Accept: "application/json" } }).then(function (
      response
    ) {
      return response.json();
    });
  }

  function postJson(url, body, lang, headers) {
    var all = { "Content-Type": "application/json", "Accept-Language": lang };
    Object.keys(headers || {}).forEach(function (name) {
      all[name] = headers[name];
    });
    return fetch(url, { method: "POST", headers: all, body: JSON.stringify(body) });
  }

  /* The API's error as {message, fields}; both may be empty when the answer is not JSON. */
  function readError(response) {
    return response
      .json()
      .catch(function () {
        return null;
      })
      .then(function (body) {
        var error = body && body.error ? body.error : {};
        return { message: error.message || null, fields: error.fields || {} };
      });
  }

  // --- field errors and the summary -----------------------------------------------------------

  /*
   * options: form, summary (the error summary element), text (from `texts`), and `anchors`
   * for errors without a form control, e.g. {captcha_token: {target: "x-captcha-field",
   * label: "x-captcha-label"}}. Field names are the API's (`customer.contact.email`); the
   * error element of a field is `err-` + the name with dots as dashes.
   */
  function createErrors(options) {
    var form = options.form;
    var summary = options.summary;
    var text = options.text;
    var anchors = options.anchors || {};

    function holderId(name) {
      return "err-" + name.replace(/\./g, "-");
    }

    function holder(name) {
      return document.getElementById(holderId(name));
    }

    function control(name) {
      return (
        form.querySelector('[name="' + name + '"]') ||
        form.querySelector('[aria-describedby~="' + holderId(name) + '"]')
      );
    }

    function set(name, message) {
      var target = holder(name);
      var input = control(name);
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

    function clear() {
      var holders = form.querySelectorAll(".tc-field-error");
      for (var i = 0; i < holders.length; i++) {
        holders[i].textContent = "";
        holders[i].hidden = true;
      }
      var invalid = form.querySelectorAll("[aria-invalid]");
      for (var j = 0; j < invalid.length; j++) {
        invalid[j].removeAttribute("aria-invalid");
      }
      summary.hidden = true;
      summary.textContent = "";
    }

    function labelOf(name, input) {
      var anchor = anchors[name];
      var label = anchor && anchor.label ? document.getElementById(anchor.label) : null;
      if (!label && input && input.id) {
        label = form.querySelector('label[for="' + input.id + '"]');
      }
      if (!label && input && input.closest("fieldset")) {
        label = input.closest("fieldset").querySelector("legend");
      }
      if (!label) {
        return name;
      }
      var text = cleanLabel(label.textContent);
      var section = sectionOf(input);
      // "Name" alone is ambiguous where several sections ask for one (contact person, DPO,
      // signatory): the summary names the section too.
      return section && section !== text ? section + " – " + text : text;
    }

    /* The legend of the form's own fieldset (its section) that holds `input`, if any. */
    function sectionOf(input) {
      var fieldset = input ? input.closest("fieldset") : null;
      while (fieldset && fieldset.parentElement && fieldset.parentElement.closest("fieldset")) {
        fieldset = fieldset.parentElement.closest("fieldset");
      }
      var legend = fieldset && form.contains(fieldset) ? fieldset.querySelector("legend") : null;
      return legend ? cleanLabel(legend.textContent) : null;
    }

    /* errors: [{name, message}] in the order of the form; heading: the summary's first line. */
    function show(errors, heading) {
      summary.textContent = "";
      var title = document.createElement("p");
      title.textContent = heading || text.summary;
      summary.appendChild(title);
      if (errors.length) {
        var list = document.createElement("ul");
        errors.forEach(function (error) {
          list.appendChild(summaryItem(error));
        });
        summary.appendChild(list);
      }
      summary.hidden = false;
      reveal(summary);
    }

    function summaryItem(error) {
      var item = document.createElement("li");
      var input = control(error.name);
      var anchor = anchors[error.name];
      var target = input && input.id ? input.id : anchor ? anchor.target : null;
      if (!target) {
        item.textContent = error.message;
        return item;
      }
      var link = document.createElement("a");
      link.href = "#" + target;
      link.textContent = labelOf(error.name, input) + ": " + error.message;
      link.addEventListener("click", function (event) {
        if (input) {
          event.preventDefault();
          input.focus();
        }
      });
      item.appendChild(link);
      return item;
    }

    /* The client's own findings: each at its field, and the summary. */
    function report(errors, heading) {
      clear();
      errors.forEach(function (error) {
        set(error.name, error.message);
      });
      if (errors.length) {
        show(errors, heading);
      }
    }

    /*
     * The server's `fields`. A name the page has no error element for (e.g. "customer.dpo"
     * when a part is missing) is shown at its first sub-field that has one.
     */
    function reportServer(fields, heading) {
      var errors = Object.keys(fields).map(function (name) {
        var shownAt = name;
        if (!holder(name)) {
          var nested = form.querySelector('.tc-field-error[id^="' + holderId(name) + '-"]');
          var input = nested ? form.querySelector('[aria-describedby~="' + nested.id + '"]') : null;
          shownAt = input && input.name ? input.name : name;
        }
        return { name: shownAt, message: fields[name] };
      });
      clear();
      errors.forEach(function (error) {
        set(error.name, error.message);
      });
      show(errors, heading);
    }

    return { set: set, clear: clear, show: show, report: report, reportServer: reportServer };
  }

  // --- client-side checks -----------------------------------------------------------------------

  /*
   * Checks every control marked `data-check` by what the page says about it: `required`,
   * `maxlength`, `type="email"`, a <textarea> (free text) or single line, a checkbox that must
   * be ticked. `requiredMessages` overrides the "fill in"/"choose" message per field name.
   */
  function checkFields(form, text, requiredMessages) {
    var errors = [];
    var fields = form.querySelectorAll("[data-check]");
    for (var i = 0; i < fields.length; i++) {
      var message = checkField(fields[i], text, requiredMessages || {});
      if (message) {
        errors.push({ name: fields[i].name, message: message });
      }
    }
    return errors;
  }

  function checkField(field, text, requiredMessages) {
    if (field.type === "checkbox") {
      return field.required && !field.checked ? text.accept : null;
    }
    var value = field.value.trim();
    if (!value) {
      if (!field.required) {
        return null;
      }
      return requiredMessages[field.name] || (field.tagName === "SELECT" ? text.choose : text.required);
    }
    var multiline = field.tagName === "TEXTAREA";
    if ((multiline ? MULTI_LINE_BAD : SINGLE_LINE_BAD).test(value)) {
      return multiline ? text.controls : text.singleLine;
    }
    if (!multiline && FORMAT_CHARS.test(value)) {
      return text.formatChars;
    }
    var max = Number(field.getAttribute("maxlength") || 0);
    if (max && value.length > max) {
      return format(text.tooLong, { max_length: max });
    }
    if (field.type === "email" && !EMAIL.test(value)) {
      return text.email;
    }
    return null;
  }

  // --- hCaptcha ---------------------------------------------------------------------------------

  /*
   * options: lang, container (id of the widget's element), field (id of the element to show
   * while the captcha is in use), onload (the global callback hCaptcha calls, unique per page)
   * and onSolved.
   */
  function createCaptcha(options) {
    var state = { mode: null, sitekey: null, widget: null, loading: false };

    window[options.onload] = function () {
      state.widget = window.hcaptcha.render(options.container, {
        sitekey: state.sitekey,
        hl: options.lang,
        callback: options.onSolved,
      });
    };

    function load() {
      if (state.mode !== "hcaptcha" || state.loading) {
        return;
      }
      state.loading = true;
      document.getElementById(options.field).hidden = false;
      var script = document.createElement("script");
      script.src =
        "https://js.hcaptcha.com/1/api.js?render=explicit&onload=" +
        options.onload +
        "&hl=" +
        options.lang;
      script.async = true;
      document.head.appendChild(script);
    }

    return {
      /* From GET /api/config; then hCaptcha loads at the first input (never before). */
      start: function (form, config) {
        state.mode = config.captcha.mode;
        state.sitekey = config.captcha.sitekey;
        function started() {
          form.removeEventListener("input", started);
          form.removeEventListener("change", started);
          load();
        }
        form.addEventListener("input", started);
        form.addEventListener("change", started);
      },
      required: function () {
        return state.mode === "hcaptcha";
      },
      token: function () {
        if (state.widget === null || !window.hcaptcha) {
          return null;
        }
        return window.hcaptcha.getResponse(state.widget) || null;
      },
      /* A token is good for one request only. */
      reset: function () {
        if (state.widget !== null && window.hcaptcha) {
          window.hcaptcha.reset(state.widget);
        }
      },
    };
  }

  // --- a page's form -------------------------------------------------------------------------

  /*
   * The form of a page by its id prefix ("contact", "dpa"): `<prefix>-form` (with data-lang
   * and data-api), `<prefix>-error-summary`, `<prefix>-captcha` in `<prefix>-captcha-field`
   * labelled by `<prefix>-captcha-label`, and its texts in `<prefix>-texts`. `onload` names
   * hCaptcha's callback. Returns null when the page has no such form.
   */
  function attach(prefix, onload) {
    var form = document.getElementById(prefix + "-form");
    if (!form) {
      return null;
    }
    var lang = form.getAttribute("data-lang") || document.documentElement.lang;
    var text = texts(prefix);
    var errors = createErrors({
      form: form,
      summary: document.getElementById(prefix + "-error-summary"),
      text: text,
      anchors: {
        captcha_token: { target: prefix + "-captcha-field", label: prefix + "-captcha-label" },
      },
    });
    var captcha = createCaptcha({
      lang: lang,
      container: prefix + "-captcha",
      field: prefix + "-captcha-field",
      onload: onload,
      onSolved: function () {
        errors.set("captcha_token", null);
      },
    });
    return {
      form: form,
      lang: lang,
      api: form.getAttribute("data-api") || "/api",
      text: text,
      errors: errors,
      captcha: captcha,
      /* The client's own findings: every `data-check` field, and the captcha once required. */
      check: function (requiredMessages) {
        var found = checkFields(form, text, requiredMessages);
        if (captcha.required() && !captcha.token()) {
          found.push({ name: "captcha_token", message: text.captcha });
        }
        return found;
      },
      /*
       * An answer that is not the success: the server's field messages at their fields and in
       * the summary, its message in `statusLine`. The captcha is solved again where the server
       * used the token (a 429 or 413 came before it was checked).
       */
      failed: function (response, statusLine) {
        return readError(response).then(function (error) {
          if (Object.keys(error.fields).length) {
            errors.reportServer(error.fields, text.summary);
          }
          statusLine.textContent = error.message || text.unexpected;
          if (response.status === 400 || response.status === 422 || response.status === 503) {
            captcha.reset();
          }
        });
      },
    };
  }

  window.tcForms = {
    attach: attach,
    format: format,
    texts: texts,
    getJson: getJson,
    getHealth: getHealth,
    postJson: postJson,
    readError: readError,
    createErrors: createErrors,
    checkFields: checkFields,
    createCaptcha: createCaptcha,
    reveal: reveal,
  };
})();
