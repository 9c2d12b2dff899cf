// The live wall: fetch the live part every few seconds and swap it in when it has changed.
// Keeps the keyboard focus (by id) and which <details> are open across a swap, and waits
// while the tab is hidden. Without JavaScript the page has a "Refresh" link.
const live = document.getElementById("wall-live");
const status = document.querySelector("[data-wall-status]");

if (live) {
  const url = live.dataset.wallLive;
  const seconds = Math.max(Number.parseInt(live.dataset.wallSeconds, 10) || 3, 1);
  // A fresh CSRF token comes with every answer: compare the page without it.
  const key = (html) => html.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, "");
  let last = "";
  let failing = false;

  const count = (root) => {
    const layout = root.querySelector("[data-wall-count]");
    return layout ? Number.parseInt(layout.dataset.wallCount, 10) || 0 : 0;
  };

  const say = (text) => {
    if (status && status.textContent !== text) status.textContent = text;
  };

  const swap = (html) => {
    const before = count(live);
    const focused = document.activeElement && live.contains(document.activeElement) ? document.activeElement.id : "";
    const open = [...live.querySelectorAll("details[open][id]")].map((el) => el.id);
    const fresh = document.createElement("template");
    fresh.innerHTML = html;
    live.replaceChildren(fresh.content);
    for (const id of open) document.getElementById(id)?.setAttribute("open", "");
    if (focused) document.getElementById(focused)?.focus({ preventScroll: true });
    const after = count(live);
    if (after > before) {
      const added = after - before;
      say(`${added} new on the wall`);
    }
  };

  const poll = async () => {
    if (!document.hidden) {
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (!response.ok || response.redirected) throw new Error(String(response.status));
        const html = await response.text();
        if (key(html) !== last) {
          last = key(html);
          swap(html);
        }
        if (failing) say("Connected again: the wall is up to date");
        failing = false;
      } catch {
        if (!failing) say("Cannot reach the server just now. The wall will keep trying.");
        failing = true;
      }
    }
    window.setTimeout(poll, seconds * 1000);
  };

  window.setTimeout(poll, seconds * 1000);
}
