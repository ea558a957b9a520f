// Ask before leaving a page whose form holds typing that has not been saved.
//
// A form opts in with `data-unsaved-warning`. What it holds when the page (or an htmx swap)
// brings it in counts as saved, unless the server marks it `data-has-unsaved`: it came back
// with an error, still holding what was typed. Submitting a form lets the page go without asking
// about that form, since what it holds is on its way to the server.
(function () {
  "use strict";

  const FORMS = "form[data-unsaved-warning]";
  const saved = new WeakMap();
  let submitting = new WeakSet();

  function state(form) {
    const values = [];
    for (const [name, value] of new FormData(form)) {
      values.push([name, typeof value === "string" ? value : value.name]);
    }
    return JSON.stringify(values);
  }

  function remember(root) {
    const forms = root.matches && root.matches(FORMS) ? [root] : [];
    forms.push(...root.querySelectorAll(FORMS));
    for (const form of forms) {
      saved.set(form, form.hasAttribute("data-has-unsaved") ? null : state(form));
    }
  }

  function unsaved(form) {
    return !submitting.has(form) && saved.get(form) !== state(form);
  }

  document.addEventListener("submit", function (event) {
    // htmx sends its forms itself (the page stays) and cancels the browser's own submission.
    if (!event.defaultPrevented && event.target.matches(FORMS)) {
      submitting.add(event.target);
    }
  });

  window.addEventListener("pageshow", function (event) {
    // Back to a page the browser kept: whether what was submitted from it was saved is unknown.
    if (event.persisted) {
      submitting = new WeakSet();
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (Array.from(document.querySelectorAll(FORMS)).some(unsaved)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // New content from htmx: a form it brings in starts from what the server sent.
  document.addEventListener("htmx:load", function (event) {
    remember(event.detail.elt);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      remember(document);
    });
  } else {
    remember(document);
  }
})();
