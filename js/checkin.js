/* checkin.html: door staff admit tickets once. A USB or Bluetooth scanner types the QR code's text
 * and presses Enter into the focused field; a phone's camera scans where the browser can read QR
 * codes (BarcodeDetector); anyone can type the code printed beneath the QR code. Each code goes to
 * POST /api/tickets/check-in; the answer is shown big: valid, already used (and when), refunded,
 * unknown. The staff token stays on this device (localStorage) until "Sign out". */
(function (w, d) {
  "use strict";
  var KEY = "checkout-kit:checkin-token";
  var $ = function (sel) { return d.querySelector(sel); };
  var admitted = 0, busy = false, lastCode = "", lastAt = 0;

  function token() { try { return w.localStorage.getItem(KEY) || ""; } catch (e) { return ""; } }
  function step(name) {
    [].forEach.call(d.querySelectorAll("[data-step]"), function (s) { s.hidden = s.getAttribute("data-step") !== name; });
    var field = name === "scan" ? $("[data-code]") : $("[data-token]");
    if (field) field.focus();
  }
  function verdict(kind, text, detail) {
    var box = $("[data-verdict]");
    box.setAttribute("data-verdict", kind);
    $("[data-verdict-text]").textContent = text;
    $("[data-verdict-detail]").textContent = detail || "";
    box.hidden = false;
  }
  function who(t) {
    if (!t) return "";
    var seat = t.seats > 1 ? "seat " + t.seat + " of " + t.seats : "";
    return [t.event, seat, t.name, "order " + t.order].filter(Boolean).join(" · ");
  }
  function when(seconds) { return new Date(seconds * 1000).toLocaleTimeString(); }

  function check(code) {
    code = (code || "").trim();
    if (!code || busy) return;
    var now = Date.now();
    if (code === lastCode && now - lastAt < 1500) return; // one scan read twice by the camera
    lastCode = code; lastAt = now; busy = true;
    fetch("/api/tickets/check-in", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: "Bearer " + token() },
      body: JSON.stringify({ code: code })
    }).then(function (r) {
      return r.json().then(function (body) {
        if (r.status === 200) { admitted += 1; $("[data-count]").textContent = String(admitted); verdict("valid", "Valid: let them in", who(body.ticket)); }
        else if (r.status === 409) verdict("already_used", "Already used at " + when(body.checked_in_at), who(body.ticket));
        else if (r.status === 410) verdict("refunded", "Refunded: do not admit", who(body.ticket));
        else if (r.status === 404) verdict("unknown", "Unknown ticket", code);
        else if (r.status === 401 || r.status === 403) { signOut(); verdict("error", "Wrong staff token", "Type it again."); }
        else verdict("error", "Not a ticket code", body.error ? body.error.message : "");
      });
    }).catch(function () {
      verdict("error", "No connection", "The ticket was not checked; try again.");
    }).then(function () {
      busy = false;
      var field = $("[data-code]");
      field.value = "";
      field.focus();
    });
  }

  function signOut() {
    try { w.localStorage.removeItem(KEY); } catch (e) { /* ignore */ }
    step("token");
  }

  function camera() {
    if (!("BarcodeDetector" in w) || !navigator.mediaDevices) return;
    var button = $("[data-camera]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var video = $("[data-video]"), detector = new w.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        (function scan() {
          detector.detect(video).then(function (found) {
            if (found.length) check(found[0].rawValue);
          }).catch(function () { /* a frame it could not read */ }).then(function () { w.setTimeout(scan, 300); });
        })();
      }).catch(function () { verdict("error", "No camera", "Allow the camera, or type the code."); });
    });
  }

  $("[data-token-form]").addEventListener("submit", function (e) {
    e.preventDefault();
    try { w.localStorage.setItem(KEY, $("[data-token]").value.trim()); } catch (err) { /* private mode */ }
    $("[data-token]").value = "";
    step("scan");
  });
  $("[data-code-form]").addEventListener("submit", function (e) { e.preventDefault(); check($("[data-code]").value); });
  $("[data-sign-out]").addEventListener("click", signOut);
  camera();
  step(token() ? "scan" : "token");
})(window, document);
