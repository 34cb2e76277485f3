// Behaviour every page shares, kept out of the HTML so the Content-Security-Policy can forbid inline scripts.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // The language menu switches as soon as a language is chosen (the form's button is there without JavaScript).
  var select = document.getElementById("language-select");
  if (select && select.form) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  }
});
