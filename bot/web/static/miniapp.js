/*
 * The board opened as a Telegram Mini App: send Telegram's initData to the server as
 * `Authorization: tma <initData>`, so that a moderator of the community sees reporters' full
 * names there as in the bot. Without initData (an ordinary browser) this does nothing.
 *
 * Telegram opens the Mini App's URL with its launch parameters in the fragment
 * (`#tgWebAppData=...&tgWebAppVersion=...`); telegram-web-app.js reads them from there too,
 * and keeps them for the session. The fragment never reaches a server, so the signed data is
 * kept in sessionStorage for the next pages and dropped from the address bar.
 *
 * A page that depends on who reads it says so (`<body data-personal>`); such a page, loaded
 * as every link loads it (without a header), is fetched once more with the header and its
 * <main> put in place of the public one. If that fails, the public page simply stays.
 */
(function () {
  "use strict";
  var KEY = "mulin.tgWebAppData";
  var hash = new URLSearchParams(window.location.hash.slice(1));
  var fromTelegram = window.Telegram && window.Telegram.WebApp && window.Telegram.WebApp.initData;
  var initData = fromTelegram || hash.get("tgWebAppData");
  var search = new URLSearchParams(window.location.search);
  if (hash.has("tgWebAppData") || search.has("tgWebAppData")) {
    // the signed data (the viewer's name and id) stays out of the address bar and history; a
    // ?tgWebAppData= the server honoured once is burnt, so it is not kept either
    search.delete("tgWebAppData");
    var rest = search.toString();
    window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : ""));
  }
  try {
    if (initData) {
      window.sessionStorage.setItem(KEY, initData);
    } else {
      initData = window.sessionStorage.getItem(KEY);
    }
  } catch (e) {
    /* storage refused (a private window): this page still gets the header, the next not */
  }
  if (!initData) {
    return;
  }
  if (!document.body.hasAttribute("data-personal")) {
    return;
  }
  fetch(window.location.href, {
    headers: { Authorization: "tma " + initData },
    credentials: "same-origin",
    cache: "no-store"
  })
    .then(function (response) {
      return response.ok ? response.text() : null;
    })
    .then(function (html) {
      if (!html) {
        return;
      }
      var signed = new DOMParser().parseFromString(html, "text/html");
      var main = signed.querySelector("main");
      if (main) {
        document.querySelector("main").replaceWith(document.adoptNode(main));
        document.body.setAttribute("data-signed", "");
      }
    })
    .catch(function () {
      /* offline or refused: the public page stays */
    });
})();
