// Forms that say what they need before they are sent: a field required only for some choices of another
// (a UN number for hazardous categories) is marked required, or hidden, as soon as the choice is made.
// The server's rule stays the check; without JavaScript the field is simply always shown.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-required-if-hazardous]").forEach(function (input) {
    var select = document.getElementById(input.getAttribute("data-required-if-hazardous"));
    if (!select) {
      return;
    }
    var hazardous = (select.getAttribute("data-hazardous") || "").split(" ");
    var wrapper = input.closest(".portal-field");
    var mark = wrapper ? wrapper.querySelector("[data-required-mark]") : null;
    function update() {
      var chosen = select.value !== "";
      var needed = chosen && hazardous.indexOf(select.value) !== -1;
      input.required = needed;
      input.setAttribute("aria-required", needed ? "true" : "false");
      if (mark) {
        mark.hidden = !needed;
      }
      if (wrapper) {
        // A chosen category that needs no UN number hides the box, unless something is typed in it.
        wrapper.hidden = chosen && !needed && input.value === "";
      }
    }
    select.addEventListener("change", update);
    update();
  });
});
