// The wall display shows one unit's panel at a time and moves on every 15 seconds.
(function () {
  var ps = document.querySelectorAll(".panel"), i = 0;
  if (ps.length < 2) { return; }
  setInterval(function () {
    ps[i].classList.remove("on");
    i = (i + 1) % ps.length;
    ps[i].classList.add("on");
  }, 15000);
})();
