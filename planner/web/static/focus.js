// Progressive enhancement: after a send that failed, move the focus (and a screen reader)
// to the list of problems, whose links lead to each field. Without JavaScript the list is
// still the first thing under the heading.
(function () {
  "use strict";
  var box = document.querySelector(".error[tabindex='-1']");
  if (box) { box.focus(); }
})();
