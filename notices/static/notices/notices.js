// The compose page: show only the audience choices that apply, and the live count of whom it will reach.
// The report page: refresh the delivery progress while alerts are still pending.
(function () {
  "use strict";
  var form = document.getElementById("notice-form");
  if (form) {
    var reach = document.getElementById("notice-reach");
    var timer = null;
    var chosenAudience = function () {
      var checked = form.querySelector("input[name=audience_kind]:checked");
      return checked ? checked.value : "all";
    };
    var showChoices = function () {
      var audience = chosenAudience();
      form.querySelectorAll("[data-audience]").forEach(function (block) {
        block.hidden = block.getAttribute("data-audience") !== audience;
      });
    };
    var updateReach = function () {
      var params = new URLSearchParams();
      ["audience_kind", "kinds", "provinces", "organisations"].forEach(function (name) {
        form.querySelectorAll("[name=" + name + "]").forEach(function (input) {
          if (input.tagName === "SELECT") {
            Array.prototype.forEach.call(input.selectedOptions, function (option) { params.append(name, option.value); });
          } else if (input.checked) {
            params.append(name, input.value);
          }
        });
      });
      fetch(form.getAttribute("data-reach-url") + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && reach) { reach.textContent = data.text; } });
    };
    var changed = function () {
      showChoices();
      clearTimeout(timer);
      timer = setTimeout(updateReach, 200);
    };
    form.addEventListener("change", changed);
    showChoices();
    updateReach();
  }

  var progress = document.getElementById("delivery-progress");
  if (progress && Number(progress.getAttribute("data-pending")) > 0) {
    var poll = function () {
      fetch(progress.getAttribute("data-progress-url"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || !data.progress) { return; }
          ["delivered", "pending", "failed"].forEach(function (key) {
            var cell = progress.querySelector("[data-count=" + key + "]");
            if (cell) { cell.textContent = data.progress[key]; }
          });
          // The bar of delivered alerts follows the counts (its width is a pct-N class: no style attribute).
          var bar = progress.querySelector("[role=progressbar]");
          var fill = progress.querySelector(".progress-bar");
          var text = progress.querySelector("[data-progress-text]");
          var total = data.progress.delivered + data.progress.pending + data.progress.failed;
          var pct = total > 0 ? Math.floor(data.progress.delivered * 100 / total) : 0;
          if (bar && fill) {
            bar.setAttribute("aria-valuenow", String(pct));
            fill.className = fill.className.replace(/\bpct-\d+\b/, "pct-" + pct);
          }
          var summary = data.progress.delivered + " / " + total + " · " + pct + "%";
          if (text) { text.textContent = summary; }
          if (bar) { bar.setAttribute("aria-valuetext", summary); }
          if (data.progress.pending > 0) { setTimeout(poll, 3000); }
        });
    };
    setTimeout(poll, 3000);
  }
})();
