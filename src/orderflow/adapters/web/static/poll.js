/* Polls the order while the page says its payment is being confirmed, with
   back-off for about a minute, and swaps in the server-rendered result when
   the order's status changes. Whether to poll is the page's own answer
   (data-keep-polling, decided by the order): a failed order whose session
   completed with a payment is being paid, so its status alone cannot tell.
   The page works without it: its address is also the receipt link. */
(function () {
  "use strict";
  var delays = [1000, 1000, 2000, 2000, 3000, 3000, 5000, 5000, 8000, 10000, 10000, 10000];
  var box = document.getElementById("order-status");
  if (!box || !polling(box) || !window.fetch) { return; }
  var step = 0;

  // The order moved on from the status this page was made for.
  function changed(status) {
    return status !== box.getAttribute("data-status");
  }

  function polling(section) {
    return section.getAttribute("data-keep-polling") === "true";
  }

  function stillConfirming() {
    var note = document.getElementById("still-confirming");
    if (note) { note.hidden = false; }
  }

  function next() {
    if (step >= delays.length) {
      // One last look through the page, which asks the gateway itself.
      refresh(true);
      return;
    }
    window.setTimeout(poll, delays[step++]);
  }

  function refresh(last) {
    return fetch(box.getAttribute("data-page-url"), { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("order-status");
        if (fresh) {
          box.replaceWith(fresh);
          // A paid order took its lines out of the cart: the header says so too.
          var link = document.getElementById("cart-link");
          var freshLink = doc.getElementById("cart-link");
          if (link && freshLink) { link.textContent = freshLink.textContent; }
          box = fresh;
        }
        if (!polling(box)) { box.focus(); } else if (last) { stillConfirming(); } else { next(); }
      })
      .catch(function () { if (last) { stillConfirming(); } else { next(); } });
  }

  function poll() {
    fetch(box.getAttribute("data-poll-url"), { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (order) {
        if (order && changed(order.status)) { return refresh(false); }
        next();
      })
      .catch(next);
  }

  next();
})();
