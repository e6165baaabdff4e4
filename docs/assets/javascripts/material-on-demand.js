/*
 * Material's bundle starts at the reader's first interaction instead of while the page loads.
 *
 * The bundle runs the search, the header's page title, the back-to-top button and the table of
 * contents that follows the reader; none of them is needed to read a page, and the navigation,
 * the language switch and the forms (our own scripts) work without it. Its start-up is the one
 * long task of every page: ~40 ms here, ~160 ms on the phone Lighthouse emulates, the whole of
 * the Total Blocking Time that kept the performance score below 100 (bench/bench_lighthouse.py).
 *
 * The first pointer, touch, key, wheel, scroll or focus loads it. It waits for DOMContentLoaded,
 * which has passed by then, so it hears it once more when it has loaded (no script of the site
 * listens for it). A key that started it, such as a search shortcut, is passed on to it.
 *
 * overrides/hooks/page_speed.py puts this script where the bundle was, with the bundle's
 * address in `data-bundle`.
 */
(function () {
  "use strict";

  var loader = document.currentScript;
  var bundle = loader && loader.getAttribute("data-bundle");
  var triggers = ["pointerdown", "touchstart", "keydown", "wheel", "scroll", "focusin", "mousemove"];
  var options = { capture: true, passive: true };
  var started = false;

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function passOn(event) {
    if (event.type !== "keydown" || typing(event.target)) {
      return;
    }
    event.target.dispatchEvent(new KeyboardEvent("keydown", {
      key: event.key,
      code: event.code,
      altKey: event.altKey,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      shiftKey: event.shiftKey,
      bubbles: true,
      cancelable: true
    }));
  }

  function start(event) {
    if (started) {
      return;
    }
    started = true;
    triggers.forEach(function (name) {
      window.removeEventListener(name, start, options);
    });
    var script = document.createElement("script");
    script.src = bundle;
    script.onload = function () {
      document.dispatchEvent(new Event("DOMContentLoaded"));
      passOn(event);
    };
    document.body.appendChild(script);
  }

  if (bundle) {
    // What Material shows only where scripts run (the search field, among others) is shown
    // from the start, as the bundle would: the first touch of it starts the bundle.
    document.documentElement.classList.remove("no-js");
    document.documentElement.classList.add("js");
    triggers.forEach(function (name) {
      window.addEventListener(name, start, options);
    });
  }
})();
