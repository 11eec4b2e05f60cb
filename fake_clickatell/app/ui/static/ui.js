// fake-clickatell's web inbox: live refresh and the controls. No framework, no build step.
//
// * Live: /__admin/events sends a "change" event whenever the fake changes. The page then
//   fetches itself again and swaps in each element marked data-live (matched by id), keeping
//   focus and open <details>. The HTML comes from this server, escaped by its templates; this
//   script never builds markup from data (messages go in with textContent only).
// * Controls: every change is a same-origin fetch to the admin API (the browser sends
//   Sec-Fetch-Site: same-origin, which the admin door requires of state changes).
"use strict";

(() => {
  const toast = document.getElementById("toast");
  const dialog = document.getElementById("reset-dialog");

  // -- live refresh ------------------------------------------------------------------------

  let busy = false;
  let again = false;

  async function refresh() {
    if (busy) {
      again = true; // one more fetch after this one: never two at once, never a change lost
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const response = await fetch(location.href, {
          headers: { Accept: "text/html" },
          cache: "no-store",
        });
        if (!response.ok) {
          break;
        }
        const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
        swap(fresh);
      } while (again);
    } catch (error) {
      // The fake is gone (stopped or restarting): the event stream reconnects and retries.
    } finally {
      busy = false;
    }
  }

  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

  // Where the focus is inside a live region: its id, or else its position among the
  // region's focusable elements (so a keyboard user keeps their place across a refresh).
  function focusPlace() {
    const active = document.activeElement;
    const region = active ? active.closest("[data-live][id]") : null;
    if (!region) {
      return null;
    }
    if (active.id) {
      return { id: active.id };
    }
    return { region: region.id, index: [...region.querySelectorAll(FOCUSABLE)].indexOf(active) };
  }

  function restoreFocus(place) {
    if (!place) {
      return;
    }
    let element = place.id ? document.getElementById(place.id) : null;
    if (!element && place.region) {
      const region = document.getElementById(place.region);
      const all = region ? region.querySelectorAll(FOCUSABLE) : [];
      element = all[Math.min(place.index, all.length - 1)] || region;
    }
    if (element) {
      element.focus({ preventScroll: true });
    }
  }

  function swap(fresh) {
    const place = focusPlace();
    const open = [...document.querySelectorAll("details[open][id]")].map((d) => d.id);
    for (const old of document.querySelectorAll("[data-live][id]")) {
      const next = fresh.getElementById(old.id);
      if (next) {
        old.replaceWith(document.importNode(next, true));
      }
    }
    for (const id of open) {
      const details = document.getElementById(id);
      if (details) {
        details.open = true;
      }
    }
    restoreFocus(place);
    clock.sync();
  }

  function follow() {
    const url = document.body.dataset.events;
    if (!url || !window.EventSource) {
      return;
    }
    const events = new EventSource(url);
    events.addEventListener("change", refresh);
  }

  // -- the virtual clock, shown ticking between refreshes ----------------------------------

  const clock = {
    now: 0,
    frozen: true,
    at: 0,
    sync() {
      const state = document.getElementById("clock-state");
      if (!state) {
        return;
      }
      this.now = Number(state.dataset.now);
      this.frozen = state.dataset.frozen === "true";
      this.at = performance.now();
    },
    tick() {
      const shown = document.getElementById("clock-now");
      if (!shown || this.frozen || !Number.isFinite(this.now)) {
        return;
      }
      const now = this.now + (performance.now() - this.at) / 1000;
      const iso = new Date(now * 1000).toISOString(); // the admin API's *_iso form
      shown.textContent = iso;
      shown.dateTime = iso;
    },
  };

  // -- talking to the admin API ------------------------------------------------------------

  function say(text, tone) {
    toast.textContent = text;
    toast.dataset.tone = tone || "ok";
  }

  async function call(method, url, body) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    let payload = null;
    try {
      payload = await response.json();
    } catch (error) {
      payload = null;
    }
    if (!response.ok) {
      const why = payload && typeof payload.error === "string" ? payload.error : "";
      throw new Error(why || `${response.status} ${response.statusText}`);
    }
    return payload;
  }

  async function act(work, done) {
    try {
      await work();
      if (done) {
        say(done);
      }
    } catch (error) {
      say(error.message, "error");
    }
    await refresh();
  }

  const moveClock = (change, done) => act(() => call("POST", "/__admin/clock", change), done);

  function parseTime(text) {
    const trimmed = text.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) {
      return Number(trimmed); // unix seconds
    }
    const millis = Date.parse(trimmed);
    return Number.isNaN(millis) ? null : millis / 1000;
  }

  const forms = {
    reply(form) {
      const data = new FormData(form);
      const account = form.querySelector("select[name=account]");
      const chosen = account ? account.selectedOptions[0] : null;
      const body = {
        to: String(data.get("to") || "").trim(),
        from: String(data.get("from") || ""),
        text: String(data.get("text") || ""),
      };
      if (chosen) {
        body.api_id = chosen.value;
        body.user = chosen.dataset.user;
      }
      return act(async () => {
        await call("POST", "/__admin/mo", body);
        form.elements.text.value = "";
      }, "Reply sent");
    },
    advance(form) {
      const minutes = Number(form.elements.minutes.value);
      return moveClock({ advance: minutes * 60 }, `Clock advanced ${minutes} min`);
    },
    set(form) {
      const at = parseTime(form.elements.time.value);
      if (at === null) {
        say("Set to: expected a date-time such as 2027-01-15T08:00:00Z", "error");
        return null;
      }
      return moveClock({ set: at }, "Clock set");
    },
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const handle = form.dataset && forms[form.dataset.form];
    if (handle) {
      event.preventDefault();
      handle(form);
    }
  });

  document.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target) {
      return;
    }
    if (target.dataset.advance) {
      const seconds = Number(target.dataset.advance);
      moveClock({ advance: seconds }, `Clock advanced ${seconds / 60} min`);
    } else if (target.id === "clock-freeze") {
      const freeze = target.dataset.freeze === "true";
      moveClock({ freeze }, freeze ? "Clock frozen" : "Clock running");
    } else if (target.dataset.rule !== undefined) {
      const enabled = target.getAttribute("aria-checked") !== "true";
      const url = `/__admin/rules/${encodeURIComponent(target.dataset.rule)}`;
      act(() => call("POST", url, { enabled }), enabled ? "Rule on" : "Rule off");
    } else if (target.id === "flush") {
      act(() => call("POST", "/__admin/callbacks/flush"), "Pending callbacks sent");
    } else if (target.id === "reset-open") {
      dialog.showModal();
    } else if (target.id === "reset-confirm") {
      dialog.close();
      act(() => call("POST", "/__admin/reset"), "The fake was reset");
    }
  });

  clock.sync();
  setInterval(() => clock.tick(), 1000);
  follow();
})();
