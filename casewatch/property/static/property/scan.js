// The counter: a USB scanner types the code and Enter (works with no script at all); the camera
// (html5-qrcode, served from node_modules) fills the code field and submits the form.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("scanform");
  if (!form) return;
  var code = form.querySelector("[name=code]");
  if (code) { code.setAttribute("autocomplete", "off"); code.setAttribute("autocapitalize", "characters"); code.focus(); }
  var start = document.getElementById("camera-start");
  if (!start || !window.Html5Qrcode || !navigator.mediaDevices) return;
  start.hidden = false;
  var reader = null;
  start.addEventListener("click", function () {
    if (reader) return;
    reader = new Html5Qrcode("camera");
    reader.start({ facingMode: "environment" }, { fps: 10, qrbox: 220 }, function (text) {
      reader.stop().then(function () {
        reader = null;
        code.value = text.trim();
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
    }, function () {}).catch(function (err) {
      reader = null;
      var p = document.createElement("p");
      p.className = "msg-error";
      p.textContent = String(err);
      start.after(p);
    });
  });
});
