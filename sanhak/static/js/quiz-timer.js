// A timed quiz attempt (learning/attempt.html): counts down the seconds left in #timer and submits the
// answers when time is up. The server keeps the real deadline; this only shows it and hands in on time.
(function () {
  "use strict";
  var el = document.getElementById("timer");
  var form = document.getElementById("attempt-form");
  if (!el || !form) {
    return;
  }
  var left = +el.dataset.seconds;
  function show() {
    var m = Math.floor(left / 60), s = left % 60;
    el.textContent = m + ":" + (s < 10 ? "0" : "") + s;
  }
  var timer = setInterval(function () {
    left -= 1;
    if (left <= 0) {
      clearInterval(timer);
      form.submit();
    } else {
      show();
    }
  }, 1000);
})();
