/*
 * A stand-in for https://js.hcaptcha.com/1/api.js in browser tests (routed by Playwright).
 * It implements the part of the hCaptcha API the forms use (render with callback, getResponse,
 * reset, the `onload` query parameter) and "solves" each widget at once with a fresh token,
 * which the loopback siteverify stand-in accepts.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var params = script ? new URL(script.src).searchParams : new URLSearchParams();
  var widgets = [];
  var serial = 0;

  function token() {
    serial += 1;
    return "fake-hcaptcha-token-" + serial + "-" + Date.now();
  }

  window.hcaptcha = {
    render: function (container, options) {
      var target = typeof container === "string" ? document.getElementById(container) : container;
      var box = document.createElement("div");
      box.className = "fake-hcaptcha";
      box.setAttribute("data-sitekey", (options && options.sitekey) || "");
      box.textContent = "hCaptcha (test stand-in): solved";
      target.appendChild(box);
      var id = widgets.length;
      widgets.push({ token: token(), options: options || {} });
      if (options && typeof options.callback === "function") {
        setTimeout(function () {
          options.callback(widgets[id].token);
        }, 0);
      }
      return id;
    },
    getResponse: function (id) {
      var widget = widgets[id || 0];
      return widget ? widget.token : "";
    },
    reset: function (id) {
      var widget = widgets[id || 0];
      if (widget) {
        widget.token = token();
      }
    },
    execute: function () {},
    remove: function () {},
  };

  var onload = params.get("onload");
  if (onload && typeof window[onload] === "function") {
    setTimeout(function () {
      window[onload]();
    }, 0);
  }
})();
