// Progressive enhancement: fill the time zone fields with the browser's zone.
// Without JavaScript the server's default stays in the field.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  var fields = document.querySelectorAll("input[data-browser-tz]");
  for (var i = 0; i < fields.length; i++) {
    if (!fields[i].dataset.kept) { fields[i].value = zone; }
  }
})();
