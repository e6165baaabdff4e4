/*
 * The DPA form (/dpa/ and /en/dpa/): customer details -> POST /api/dpa (Accept:
 * application/json) -> one agreement in every format made (the .docx, and its PDF where the
 * server has LibreOffice), one reference: the chosen format downloads at once, the page offers
 * both files and shows the reference, and says so when the agreement is a draft. The files are
 * kept in the browser only (blob URLs). Captcha, checks and error display are forms.js's
 * (loaded before this file).
 *
 * The choices (countries, categories of data subjects and data) come from GET
 * /api/dpa/options, i.e. from the same data/ files the document is rendered from; PDF is
 * offered only while /api/health says LibreOffice is available.
 */
(function () {
  "use strict";

  var forms = window.tcForms;
  var page = forms && forms.attach("dpa", "tcDpaCaptchaLoaded");
  if (!page) {
    return;
  }
  var form = page.form;
  var lang = page.lang;
  var api = page.api;
  var TEXT = page.text;
  var errors = page.errors;
  var captcha = page.captcha;
  var status = document.getElementById("dpa-status");
  var result = document.getElementById("dpa-result");
  var submit = form.querySelector("button[type=submit]");
  var CHOICE_GROUPS = ["processing.data_subjects", "processing.data_categories"];

  function byName(name) {
    return form.querySelector('[name="' + name + '"]');
  }

  // --- client-side validation mirroring the server's -----------------------------------------
  function validate() {
    var found = forms.checkFields(form, TEXT, { "customer.country": TEXT.country });
    var dpoName = value("customer.dpo.name");
    var dpoEmail = value("customer.dpo.email");
    if (Boolean(dpoName) !== Boolean(dpoEmail)) {
      found.push({
        name: dpoName ? "customer.dpo.email" : "customer.dpo.name",
        message: TEXT.dpoBoth,
      });
    }
    CHOICE_GROUPS.forEach(function (group) {
      var boxes = form.querySelectorAll('input[name="' + group + '"]');
      if (boxes.length && !form.querySelector('input[name="' + group + '"]:checked')) {
        found.push({ name: group, message: TEXT.atLeastOne });
      }
    });
    if (captcha.required() && !captcha.token()) {
      found.push({ name: "captcha_token", message: TEXT.captcha });
    }
    return found;
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
    if (byName(CHOICE_GROUPS[0])) {
      processing.data_subjects = checked(CHOICE_GROUPS[0]);
      processing.data_categories = checked(CHOICE_GROUPS[1]);
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
      captcha_token: captcha.token(),
    };
  }

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

  function offerPdf(health) {
    var pdf = Boolean(health && health.checks && health.checks.pdf === "available");
    document.getElementById("dpa-format-pdf-choice").hidden = !pdf;
    if (!pdf) {
      byName("format").checked = true;
    }
  }

  Promise.all([
    forms.getJson(api, "/dpa/options?language=" + lang).then(function (options) {
      fillCountries(options.countries);
      fillOptions(
        CHOICE_GROUPS[0],
        options.data_subject_categories,
        document.getElementById("dpa-data-subjects")
      );
      fillOptions(
        CHOICE_GROUPS[1],
        options.personal_data_categories,
        document.getElementById("dpa-data-categories")
      );
    }),
    forms.getJson(api, "/config").then(function (config) {
      captcha.start(form, config);
    }),
    forms.getHealth(api).then(offerPdf, function () {
      offerPdf(null);
    }),
  ]).then(
    function () {
      form.addEventListener("submit", onSubmit);
      submit.disabled = false;
      form.setAttribute("data-ready", "true");
    },
    function () {
      errors.show([], TEXT.optionsFailed);
    }
  );

  // --- submitting and downloading -------------------------------------------------------------
  function toBlob(file) {
    var bytes = atob(file.content_base64);
    var buffer = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i += 1) {
      buffer[i] = bytes.charCodeAt(i);
    }
    return new Blob([buffer], { type: file.media_type });
  }

  function downloadLink(file, text) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(toBlob(file));
    link.download = file.filename;
    link.setAttribute("data-format", file.format);
    link.textContent = text;
    return link;
  }

  function paragraph(className, text) {
    var element = document.createElement("p");
    if (className) {
      element.className = className;
    }
    if (text) {
      element.textContent = text;
    }
    return element;
  }

  function offerDownloads(issued) {
    result.textContent = "";
    var done = paragraph("tc-success");
    var parts = TEXT.done.split("{ref}");
    done.appendChild(document.createTextNode(parts[0]));
    var strong = document.createElement("strong");
    strong.id = "dpa-reference";
    strong.textContent = issued.reference;
    done.appendChild(strong);
    done.appendChild(document.createTextNode(parts[1] || ""));
    result.appendChild(done);
    if (issued.draft) {
      var draft = paragraph("tc-draft", TEXT.draft);
      draft.id = "dpa-draft-result";
      result.appendChild(draft);
    }
    var first = issued.files[0];
    var again = downloadLink(first, forms.format(TEXT.again, { name: first.filename }));
    result.appendChild(paragraph(null)).appendChild(again);
    if (issued.files.length > 1) {
      result.appendChild(paragraph(null, TEXT.files));
      var list = document.createElement("ul");
      list.id = "dpa-files";
      issued.files.forEach(function (file) {
        var item = document.createElement("li");
        var label = file.format === "pdf" ? TEXT.formatPdf : TEXT.formatDocx;
        item.appendChild(
          downloadLink(file, forms.format(TEXT.file, { format: label, name: file.filename }))
        );
        item.appendChild(
          document.createTextNode(" (" + TEXT.sha256 + " " + file.sha256.slice(0, 16) + "…)")
        );
        list.appendChild(item);
      });
      result.appendChild(list);
    }
    result.hidden = false;
    again.click();
    forms.reveal(result);
  }

  function onSubmit(event) {
    event.preventDefault();
    result.hidden = true;
    var found = validate();
    errors.report(found);
    if (found.length) {
      return;
    }
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    status.textContent = TEXT.working;
    forms
      .postJson(api + "/dpa", body(), lang, { Accept: "application/json" })
      .then(function (response) {
        if (!response.ok) {
          return forms.readError(response).then(function (error) {
            errors.reportServer(error.fields, error.message || TEXT.unexpected);
          });
        }
        return response.json().then(offerDownloads);
      })
      .catch(function () {
        errors.show([], TEXT.network);
      })
      .then(function () {
        status.textContent = "";
        submit.disabled = false;
        form.removeAttribute("aria-busy");
        captcha.reset();
      });
  }
})();
