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
  // Lists that become cards on a phone (table.portal-stack, see portal.css): each cell is labelled with its
  // column's name; the cells of a column whose name is only for screen readers (the actions) become the card's
  // row of buttons.
  document.querySelectorAll("table.portal-stack").forEach(function (table) {
    var labels = Array.prototype.map.call(table.querySelectorAll("thead > tr > th"), function (th) {
      var hidden = th.querySelector(".visually-hidden");
      var text = th.textContent.replace(/\s+/g, " ").trim();
      return hidden && hidden.textContent.replace(/\s+/g, " ").trim() === text ? null : text;
    });
    table.querySelectorAll("tbody > tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (labels[index] === null) {
          cell.classList.add("portal-stack-actions");
        } else if (labels[index] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", labels[index]);
        }
      });
    });
  });
});
