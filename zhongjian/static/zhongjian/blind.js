// RSA blind signatures (RFC 9474, RSABSSA-SHA384-PSS-Deterministic), the client's half: the
// browser picks a random 32-byte message, encodes it (EMSA-PSS, SHA-384, 48-byte salt), blinds
// it with a random r, sends only the blinded value, then unblinds the server's answer and
// checks it. The server (zhongjian/voice/blind.py) never sees the message it signs.
// Plain JavaScript: BigInt for the arithmetic, WebCrypto for SHA-384 and randomness.
(function (global) {
  "use strict";
  var HASH_LENGTH = 48, SALT_LENGTH = 48, MESSAGE_LENGTH = 32;

  function toHex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, "0");
    return out;
  }
  function fromHex(hex) {
    if (hex.length % 2) hex = "0" + hex;
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }
  function os2ip(bytes) { return bytes.length ? BigInt("0x" + toHex(bytes)) : 0n; }
  function i2osp(value, length) { return fromHex(value.toString(16).padStart(length * 2, "0")); }
  function concat() {
    var total = 0, i, parts = arguments;
    for (i = 0; i < parts.length; i++) total += parts[i].length;
    var out = new Uint8Array(total), at = 0;
    for (i = 0; i < parts.length; i++) { out.set(parts[i], at); at += parts[i].length; }
    return out;
  }
  function modPow(base, exp, mod) {
    var result = 1n;
    base %= mod;
    while (exp > 0n) {
      if (exp & 1n) result = (result * base) % mod;
      exp >>= 1n;
      base = (base * base) % mod;
    }
    return result;
  }
  function modInverse(a, m) {
    var r0 = m, r1 = ((a % m) + m) % m, t0 = 0n, t1 = 1n;
    while (r1 !== 0n) {
      var q = r0 / r1, tmp;
      tmp = r0 - q * r1; r0 = r1; r1 = tmp;
      tmp = t0 - q * t1; t0 = t1; t1 = tmp;
    }
    if (r0 !== 1n) throw new Error("not invertible");
    return ((t0 % m) + m) % m;
  }
  function gcd(a, b) { while (b) { var t = a % b; a = b; b = t; } return a; }
  function randomBytes(n) { return global.crypto.getRandomValues(new Uint8Array(n)); }
  async function sha384(data) {
    return new Uint8Array(await global.crypto.subtle.digest("SHA-384", data));
  }
  async function mgf1(seed, length) {
    var out = new Uint8Array(0);
    for (var counter = 0; out.length < length; counter++) {
      var c = new Uint8Array([counter >>> 24, (counter >>> 16) & 255, (counter >>> 8) & 255, counter & 255]);
      out = concat(out, await sha384(concat(seed, c)));
    }
    return out.slice(0, length);
  }
  // EMSA-PSS-ENCODE (RFC 8017 section 9.1.1).
  async function pssEncode(message, emBits, salt) {
    var emLen = Math.ceil(emBits / 8);
    var mHash = await sha384(message);
    var h = await sha384(concat(new Uint8Array(8), mHash, salt));
    var db = concat(new Uint8Array(emLen - salt.length - HASH_LENGTH - 2), new Uint8Array([1]), salt);
    var mask = await mgf1(h, emLen - HASH_LENGTH - 1);
    for (var i = 0; i < db.length; i++) db[i] ^= mask[i];
    db[0] &= 0xff >> (8 * emLen - emBits);
    return concat(db, h, new Uint8Array([0xbc]));
  }
  function bitLength(n) { return n.toString(2).length; }
  function randomBelow(n) {
    var size = Math.ceil(bitLength(n) / 8) + 8;
    return os2ip(randomBytes(size)) % n;
  }
  // Blind(pk, msg): returns the blinded message, the inverse of r and the encoded message.
  async function blind(n, e, message, options) {
    options = options || {};
    var size = Math.ceil(bitLength(n) / 8);
    var salt = options.salt || randomBytes(SALT_LENGTH);
    var encoded = await pssEncode(message, bitLength(n) - 1, salt);
    var m = os2ip(encoded);
    if (gcd(m, n) !== 1n) throw new Error("invalid input");
    var r, inv;
    if (options.inv) { inv = options.inv; r = modInverse(inv, n); }
    else {
      do { r = randomBelow(n); } while (r < 2n || gcd(r, n) !== 1n);
      inv = modInverse(r, n);
    }
    var blinded = (m * modPow(r, e, n)) % n;
    return { blinded: i2osp(blinded, size), inv: inv, encoded: m };
  }
  // Finalize: unblind and verify (s^e mod n must be the encoded message).
  function finalize(n, e, blindSig, inv, encoded) {
    var size = Math.ceil(bitLength(n) / 8);
    var s = (os2ip(blindSig) * inv) % n;
    if (modPow(s, e, n) !== encoded) throw new Error("signature does not verify");
    return i2osp(s, size);
  }
  function base64url(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return global.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  // The whole draw: message, blind, POST, unblind; resolves to the online code's text.
  async function draw(options) {
    var n = BigInt("0x" + options.modulus), e = BigInt(options.exponent);
    var message = randomBytes(MESSAGE_LENGTH);
    var blinded = await blind(n, e, message);
    var answer = await global.fetch(options.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": options.csrf },
      body: JSON.stringify({ blinded: toHex(blinded.blinded) })
    });
    var body = await answer.json();
    if (!answer.ok) throw new Error(body.detail || "error");
    var signature = finalize(n, e, fromHex(body.blind_sig), blinded.inv, blinded.encoded);
    return "Z1." + options.group + "." + base64url(message) + "." + base64url(signature);
  }
  global.ZhongjianBlind = {
    pssEncode: pssEncode, blind: blind, finalize: finalize, draw: draw,
    toHex: toHex, fromHex: fromHex
  };

  var root = document.getElementById("draw");
  if (!root) return;
  var storageKey = "zj-survey-code-" + root.dataset.wave;
  var output = document.getElementById("draw-result");
  var status = document.getElementById("draw-status");
  function show(code) {
    output.hidden = false;
    document.getElementById("draw-code").textContent = code;
    document.getElementById("draw-go").href = root.dataset.answer + "#" + code;
    var button = document.getElementById("draw-button");
    if (button) button.style.display = "none";
  }
  var kept = null;
  try { kept = global.localStorage.getItem(storageKey); } catch (err) { kept = null; }
  if (kept) show(kept);
  var button = document.getElementById("draw-button");
  if (!button) return;
  button.addEventListener("click", async function () {
    button.disabled = true;
    status.textContent = root.dataset.working;
    try {
      var code = await draw({
        modulus: root.dataset.modulus, exponent: root.dataset.exponent, group: root.dataset.group,
        url: root.dataset.url, csrf: root.dataset.csrf
      });
      try { global.localStorage.setItem(storageKey, code); } catch (err) { /* private mode */ }
      status.textContent = root.dataset.done;
      show(code);
    } catch (err) {
      status.textContent = err.message;
      button.disabled = false;
    }
  });
})(window);
