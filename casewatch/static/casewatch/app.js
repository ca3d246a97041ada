// casewatch shell behaviour: the phone navigation toggle, select-all boxes, print buttons.
// Everything else is htmx. No inline scripts anywhere (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector("[data-toggle-nav]");
  var nav = document.getElementById("mainnav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // <input type="checkbox" data-select-all="ids"> ticks or clears every box named "ids" in its form.
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    var scope = box.form || document;
    var name = box.getAttribute("data-select-all");
    var boxes = function () { return scope.querySelectorAll('input[type="checkbox"][name="' + name + '"]'); };
    var sync = function () {
      var all = boxes(), ticked = 0;
      all.forEach(function (b) { if (b.checked) { ticked += 1; } });
      box.checked = all.length > 0 && ticked === all.length;
      box.indeterminate = ticked > 0 && ticked < all.length;
    };
    box.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = box.checked; });
    });
    boxes().forEach(function (b) { b.addEventListener("change", sync); });
    sync();
  });
  // <button data-print> opens the browser's print dialog (the print stylesheet does the rest).
  document.querySelectorAll("[data-print]").forEach(function (btn) {
    btn.addEventListener("click", function () { window.print(); });
  });
});
