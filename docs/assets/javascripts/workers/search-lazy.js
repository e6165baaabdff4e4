/*
 * The site's search worker: Material's own, loaded when the reader first searches.
 *
 * Material starts its search worker and downloads the whole search index (and, for German,
 * lunr's language support) on every page load, about a quarter of a first visit's bytes, although
 * most readers never search. Material lets a site bring its own worker (`__config.search`, see
 * overrides/hooks/language_pages.py); this one answers Material's messages itself until the
 * first query, then loads the full index and Material's worker and hands both over.
 *
 * Messages (Material's SearchMessageType): 0 SETUP {config, docs, options}, 1 READY, 2 QUERY
 * (the query string), 3 RESULT. The page sends SETUP with the small stub index
 * (search/search_index.json: the configuration, no documents); this file's URL carries
 * `worker` (Material's worker, in this folder) and `index` (the full index, relative to this
 * folder).
 */
(function () {
  "use strict";

  var SETUP = 0;
  var READY = 1;
  var QUERY = 2;
  var RESULT = 3;
  var params = new URL(self.location.href).searchParams;
  var setup = null;
  var state = "idle"; // idle -> loading -> ready
  var queued = null;
  var material = null; // Material's message listener, once its worker is loaded
  var send = self.postMessage.bind(self);
  var listen = self.addEventListener.bind(self);

  /* Material's worker registers its message listener and answers through postMessage; both
     are taken over, so the page's messages reach it only through this file. */
  self.addEventListener = function (type, listener, options) {
    if (type === "message" && material === null) {
      material = listener;
      return;
    }
    listen(type, listener, options);
  };
  self.postMessage = function (message) {
    if (message && message.type === READY) {
      state = "ready"; // the page was told at SETUP already
      if (queued) {
        material({ data: queued });
        queued = null;
      }
      return;
    }
    send(message);
  };

  function load() {
    state = "loading";
    fetch(new URL(params.get("index"), self.location.href), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("search index: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (index) {
        importScripts(new URL(params.get("worker"), self.location.href).href);
        material({
          data: {
            type: SETUP,
            data: { config: setup.config, docs: index.docs, options: setup.options },
          },
        });
      })
      .catch(function (error) {
        // The next query tries again; this one finds nothing.
        state = "idle";
        queued = null;
        send({ type: RESULT, data: { items: [] } });
        console.warn(error);
      });
  }

  listen("message", function (event) {
    var message = event.data;
    if (message.type === SETUP) {
      setup = message.data;
      send({ type: READY });
    } else if (message.type === QUERY) {
      if (state === "ready") {
        material(event);
        return;
      }
      if (!String(message.data).trim()) {
        // The page sends the empty field's value once at start: nothing to load for that.
        send({ type: RESULT, data: { items: [] } });
        return;
      }
      queued = message; // while loading, only the latest query matters
      if (state === "idle") {
        load();
      }
    }
  });
})();
