// Staff pages: buttons marked data-print print the page (hidden without JavaScript, where the
// browser's own print command does the same).
(function () {
  document.querySelectorAll('button[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      window.print();
    });
  });
})();
