// Saves a chronology entry form as a draft a couple of seconds after the user stops typing.
//
// Progressive enhancement: without JavaScript the "Save as draft" button does the same.
// The form opts in with data-autosave-url (where drafts are posted) and holds a
// role="status" element [data-autosave-status] for the messages, which the server words
// in the page's language. For a new entry the first save creates the draft; the reply
// gives its edit and draft addresses, which the form then uses (and the address bar
// shows), and every reply gives the entry's new version so the next save is not taken
// for someone else's change.

const DELAY_MS = 2000;

function start(form) {
  const status = form.querySelector("[data-autosave-status]");
  let timer = null;
  let running = null; // the save in flight, if any
  let again = false; // the form changed while a save was in flight
  let stopped = false; // a conflict, or the form is being submitted

  const show = (message) => {
    if (status && message) status.textContent = message;
  };

  const save = async () => {
    timer = null;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    const body = new FormData(form);
    body.set("action", "draft");
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    running = (async () => {
      try {
        const response = await fetch(form.dataset.autosaveUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: {
            Accept: "application/json",
            "X-CSRFToken": token ? token.value : "",
          },
        });
        const reply = await response.json();
        if (response.ok && reply.saved) {
          form.elements.version.value = reply.version;
          if (reply.edit_url && form.getAttribute("action") !== reply.edit_url) {
            form.setAttribute("action", reply.edit_url);
            form.dataset.autosaveUrl = reply.draft_url;
            const agency = form.elements.agency;
            if (agency) agency.disabled = true; // fixed once the draft exists
            window.history.replaceState(null, "", reply.edit_url);
          }
        }
        if (response.status === 409) stopped = true;
        show(reply.message);
      } catch {
        show(form.dataset.autosaveFailed);
      }
    })();
    await running;
    running = null;
    if (again) {
      again = false;
      schedule();
    }
  };

  const schedule = () => {
    if (stopped) return;
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY_MS);
  };

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", (event) => {
    // Submitting saves everything: no more autosaves, and wait for one in flight so the
    // form carries the version it produced.
    stopped = true;
    if (timer) window.clearTimeout(timer);
    if (running) {
      event.preventDefault();
      const submitter = event.submitter;
      running.finally(() => form.requestSubmit(submitter));
    }
  });
}

for (const form of document.querySelectorAll("form[data-autosave-url]")) {
  start(form);
}
