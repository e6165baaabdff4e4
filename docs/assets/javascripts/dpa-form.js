/*
 * The DPA form (/dpa/ and /en/dpa/): customer details -> POST /api/dpa -> the filled
 * agreement downloads in the browser and its reference is shown.
 *
 * No inline script or style anywhere (the site's CSP forbids both). hCaptcha's script is
 * loaded only once the person starts filling in the form, as the privacy notice says, and
 * not at all while the API runs its captcha in development mode. The choices (countries,
 * categories of data subjects and data) come from GET /api/dpa/options, i.e. from the same
 * data/ files the document is rendered from; PDF is offered only while /api/health says
 * LibreOffice is available.
 */
(function () {
  "use strict";

  var form = document.getElementById("dpa-form");
  if (!form) {
    return;
  }
  var lang = form.getAttribute("data-lang") === "en" ? "en" : "de";
  var api = form.getAttribute("data-api") || "/api";

  var TEXT = {
    de: {
      required: "Bitte füllen Sie dieses Feld aus.",
      tooLong: "Bitte kürzen Sie auf höchstens {max} Zeichen.",
      singleLine: "Bitte nur eine Zeile, ohne Zeilenumbrüche oder Steuerzeichen.",
      email: "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.",
      country: "Bitte wählen Sie ein Land.",
      atLeastOne: "Bitte wählen Sie mindestens einen Eintrag.",
      dpoBoth: "Bitte geben Sie Name und E-Mail-Adresse an oder lassen Sie beide leer.",
      captcha: "Bitte lösen Sie das Captcha.",
      summary: "Bitte prüfen Sie die markierten Angaben:",
      working: "Ihr Vertrag wird erstellt …",
      network: "Der Server ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
      unexpected: "Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.",
      optionsFailed: "Die Auswahllisten konnten nicht geladen werden. Bitte laden Sie die Seite neu.",
      done: "Ihr Vertrag mit der Referenz {ref} wurde heruntergeladen.",
      again: "Falls der Download nicht startet: Datei {name} speichern",
    },
    en: {
      required: "Please fill in this field.",
      tooLong: "Please shorten this to at most {max} characters.",
      singleLine: "Please use a single line, without line breaks or control characters.",
      email: "Please enter a valid email address, e.g. name@example.com.",
      country: "Please choose a country.",
      atLeastOne: "Please choose at least one entry.",
      dpoBoth: "Please give both name and email address, or leave both empty.",
      captcha: "Please solve the captcha.",
      summary: "Please check the marked fields:",
      working: "Your agreement is being prepared …",
      network: "The server cannot be reached right now. Please try again in a moment.",
      unexpected: "An unexpected error occurred. Please try again later.",
      optionsFailed: "The choices could not be loaded. Please reload the page.",
      done: "Your agreement with the reference {ref} has been downloaded.",
      again: "If the download does not start: save file {name}",
    },
  }[lang];

  // The same rule as the server's single-line fields: no C0/C1 controls, no line separators.
  var CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
  var EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

  var summary = document.getElementById("dpa-error-summary");
  var status = document.getElementById("dpa-status");
  var result = document.getElementById("dpa-result");
  var submit = form.querySelector("button[type=submit]");
  var captcha = { mode: "unknown", sitekey: null, widget: null, loading: false };

  function format(text, params) {
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(params, key) ? String(params[key]) : all;
    });
  }

  function byName(name) {
    return form.querySelector('[name="' + name + '"]');
  }

  function errorElement(name) {
    return document.getElementById("err-" + name.replace(/\./g, "-"));
  }

  // --- field errors, tied to their fields through aria-describedby -------------------------
  function setError(name, message) {
    var holder = errorElement(name);
    var field = byName(name);
    if (holder) {
      holder.textContent = message;
      holder.hidden = false;
    }
    if (field) {
      field.setAttribute("aria-invalid", "true");
    }
    return holder ? holder.id : null;
  }

  function clearErrors() {
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

  function showSummary(errors, heading) {
    summary.textContent = "";
    var title = document.createElement("p");
    title.textContent = heading || TEXT.summary;
    summary.appendChild(title);
    var list = document.createElement("ul");
    errors.forEach(function (error) {
      var item = document.createElement("li");
      var field = byName(error.name);
      if (field && field.id) {
        var link = document.createElement("a");
        link.href = "#" + field.id;
        link.textContent = labelOf(field) + ": " + error.message;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          field.focus();
        });
        item.appendChild(link);
      } else {
        item.textContent = error.message;
      }
      list.appendChild(item);
    });
    if (errors.length) {
      summary.appendChild(list);
    }
    summary.hidden = false;
    summary.focus();
  }

  function labelOf(field) {
    var label = form.querySelector('label[for="' + field.id + '"]');
    if (label) {
      return label.textContent.replace(/\s*\(.*\)\s*$/, "").replace(/\s*\*\s*$/, "").trim();
    }
    var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
    return legend ? legend.textContent.trim() : field.name;
  }

  // --- client-side validation mirroring the server's ---------------------------------------
  function validate() {
    var errors = [];
    var fields = form.querySelectorAll("input[data-check], select[data-check]");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var value = field.value.trim();
      var max = Number(field.getAttribute("maxlength") || 0);
      var message = null;
      if (!value) {
        if (field.required) {
          message = field.tagName === "SELECT" ? TEXT.country : TEXT.required;
        }
      } else if (CONTROL.test(field.value)) {
        message = TEXT.singleLine;
      } else if (max && value.length > max) {
        message = format(TEXT.tooLong, { max: max });
      } else if (field.type === "email" && !EMAIL.test(value)) {
        message = TEXT.email;
      }
      if (message) {
        errors.push({ name: field.name, message: message });
      }
    }
    var dpoName = byName("customer.dpo.name").value.trim();
    var dpoEmail = byName("customer.dpo.email").value.trim();
    if (Boolean(dpoName) !== Boolean(dpoEmail)) {
      errors.push({ name: dpoName ? "customer.dpo.email" : "customer.dpo.name", message: TEXT.dpoBoth });
    }
    ["processing.data_subjects", "processing.data_categories"].forEach(function (group) {
      var boxes = form.querySelectorAll('input[name="' + group + '"]');
      if (boxes.length && !form.querySelector('input[name="' + group + '"]:checked')) {
        errors.push({ name: group, message: TEXT.atLeastOne });
      }
    });
    if (captcha.mode === "hcaptcha" && !captchaToken()) {
      errors.push({ name: "captcha_token", message: TEXT.captcha });
    }
    return errors;
  }

  // --- the request body ---------------------------------------------------------------------
  function value(name) {
    var field = byName(name);
    return field ? field.value.trim() : "";
  }

  function optional(name) {
    var text = value(name);
    return text ? text : null;
  }

  function checked(name) {
    var boxes = form.querySelectorAll('input[name="' + name + '"]:checked');
    return Array.prototype.map.call(boxes, function (box) {
      return box.value;
    });
  }

  function body() {
    var dpo = null;
    if (value("customer.dpo.name") || value("customer.dpo.email")) {
      dpo = { name: value("customer.dpo.name"), email: value("customer.dpo.email") };
    }
    var chosenFormat = form.querySelector('input[name="format"]:checked');
    var chosenLanguage = form.querySelector('input[name="language"]:checked');
    var processing = { special_categories: byName("processing.special_categories").checked };
    if (form.querySelector('input[name="processing.data_subjects"]')) {
      processing.data_subjects = checked("processing.data_subjects");
      processing.data_categories = checked("processing.data_categories");
    }
    return {
      language: chosenLanguage ? chosenLanguage.value : lang,
      format: chosenFormat ? chosenFormat.value : "docx",
      customer: {
        legal_name: value("customer.legal_name"),
        street: value("customer.street"),
        postal_code: value("customer.postal_code"),
        city: value("customer.city"),
        country: value("customer.country"),
        register: optional("customer.register"),
        vat_id: optional("customer.vat_id"),
        contact: {
          name: value("customer.contact.name"),
          position: value("customer.contact.position"),
          email: value("customer.contact.email"),
          phone: optional("customer.contact.phone"),
        },
        dpo: dpo,
        signatory: {
          name: value("customer.signatory.name"),
          position: value("customer.signatory.position"),
        },
      },
      processing: processing,
      captcha_token: captchaToken(),
    };
  }

  // --- hCaptcha, loaded on first interaction -----------------------------------------------
  function captchaToken() {
    if (captcha.widget === null || !window.hcaptcha) {
      return null;
    }
    return window.hcaptcha.getResponse(captcha.widget) || null;
  }

  window.tcDpaCaptchaLoaded = function () {
    captcha.widget = window.hcaptcha.render("dpa-captcha", { sitekey: captcha.sitekey, hl: lang });
  };

  function loadCaptcha() {
    if (captcha.mode !== "hcaptcha" || captcha.loading) {
      return;
    }
    captcha.loading = true;
    var script = document.createElement("script");
    script.src =
      "https://js.hcaptcha.com/1/api.js?render=explicit&onload=tcDpaCaptchaLoaded&hl=" + lang;
    script.async = true;
    document.head.appendChild(script);
  }

  function onFirstInteraction() {
    form.removeEventListener("focusin", onFirstInteraction);
    form.removeEventListener("input", onFirstInteraction);
    loadCaptcha();
  }
  form.addEventListener("focusin", onFirstInteraction);
  form.addEventListener("input", onFirstInteraction);

  // --- choices from the API -----------------------------------------------------------------
  function fillCountries(countries) {
    var select = byName("customer.country");
    var keep = select.value;
    countries.forEach(function (country) {
      var option = document.createElement("option");
      option.value = country.code;
      option.textContent = country.name;
      select.appendChild(option);
    });
    select.value = keep || "DE";
  }

  function fillOptions(name, options, container) {
    options.forEach(function (option) {
      var id = name.replace(/\./g, "-") + "-" + option.id;
      var wrapper = document.createElement("div");
      wrapper.className = "tc-choice";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = name;
      box.id = id;
      box.value = option.id;
      box.checked = option.default;
      box.setAttribute("aria-describedby", "err-" + name.replace(/\./g, "-"));
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = option.label;
      wrapper.appendChild(box);
      wrapper.appendChild(label);
      container.appendChild(wrapper);
    });
  }

  function getJson(path) {
    return fetch(api + path, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  var ready = Promise.all([
    getJson("/dpa/options?language=" + lang).then(function (options) {
      fillCountries(options.countries);
      fillOptions(
        "processing.data_subjects",
        options.data_subject_categories,
        document.getElementById("dpa-data-subjects")
      );
      fillOptions(
        "processing.data_categories",
        options.personal_data_categories,
        document.getElementById("dpa-data-categories")
      );
    }),
    getJson("/config").then(function (config) {
      captcha.mode = config.captcha.mode;
      captcha.sitekey = config.captcha.sitekey;
      if (captcha.mode === "hcaptcha") {
        document.getElementById("dpa-captcha-field").hidden = false;
      }
    }),
    // /api/health answers 503 with the same JSON when the database is down: read it anyway.
    fetch(api + "/health", { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (health) {
        var pdf = health.checks && health.checks.pdf === "available";
        document.getElementById("dpa-format-pdf-choice").hidden = !pdf;
        if (!pdf) {
          byName("format").checked = true;
        }
      })
      .catch(function () {
        document.getElementById("dpa-format-pdf-choice").hidden = true;
      }),
  ]).then(
    function () {
      submit.disabled = false;
      form.setAttribute("data-ready", "true");
    },
    function () {
      showSummary([], TEXT.optionsFailed);
    }
  );

  // --- submitting and downloading -------------------------------------------------------------
  function fileName(response, reference) {
    var header = response.headers.get("Content-Disposition") || "";
    var star = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (star) {
      try {
        return decodeURIComponent(star[1]);
      } catch (ignored) {
        // fall through to the ASCII name
      }
    }
    var plain = /filename="([^"]+)"/i.exec(header);
    return plain ? plain[1] : "UNOY-DPA-" + reference;
  }

  function offerDownload(blob, name, reference) {
    var url = URL.createObjectURL(blob);
    result.textContent = "";
    var done = document.createElement("p");
    done.className = "tc-success";
    var parts = TEXT.done.split("{ref}");
    done.appendChild(document.createTextNode(parts[0]));
    var strong = document.createElement("strong");
    strong.id = "dpa-reference";
    strong.textContent = reference;
    done.appendChild(strong);
    done.appendChild(document.createTextNode(parts[1] || ""));
    result.appendChild(done);
    var again = document.createElement("a");
    again.href = url;
    again.download = name;
    again.textContent = format(TEXT.again, { name: name });
    result.appendChild(again);
    result.hidden = false;
    again.click();
    result.focus();
  }

  function showServerError(response) {
    return response
      .json()
      .then(function (data) {
        var error = (data && data.error) || {};
        var fields = error.fields || {};
        var errors = Object.keys(fields).map(function (name) {
          var field = name;
          if (!errorElement(field)) {
            // e.g. "customer.dpo" for a missing part: show it at the nearest known field
            var known = Object.keys(fields).filter(errorElement);
            field = known.length ? known[0] : field;
          }
          setError(field, fields[name]);
          return { name: field, message: fields[name] };
        });
        showSummary(errors, error.message || TEXT.unexpected);
      })
      .catch(function () {
        showSummary([], TEXT.unexpected);
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    result.hidden = true;
    var errors = validate();
    if (errors.length) {
      errors.forEach(function (error) {
        setError(error.name, error.message);
      });
      showSummary(errors);
      return;
    }
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    status.textContent = TEXT.working;
    fetch(api + "/dpa", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "*/*" },
      body: JSON.stringify(body()),
    })
      .then(function (response) {
        if (!response.ok) {
          return showServerError(response);
        }
        var reference = response.headers.get("X-DPA-Reference") || "";
        var name = fileName(response, reference);
        return response.blob().then(function (blob) {
          offerDownload(blob, name, reference);
        });
      })
      .catch(function () {
        showSummary([], TEXT.network);
      })
      .then(function () {
        status.textContent = "";
        submit.disabled = false;
        form.removeAttribute("aria-busy");
        if (captcha.widget !== null && window.hcaptcha) {
          window.hcaptcha.reset(captcha.widget); // a token is good for one request only
        }
      });
  });

  void ready;
})();
