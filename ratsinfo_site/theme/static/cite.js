// The citation box: the reader's date of retrieval, and a copy button. Without JavaScript
// the citation is plain selectable text ending in "(abgerufen am …)".
// As the pages write dates: 27.11.2026 in German, 27 November 2026 in English.
const english = document.documentElement.lang === "en";
const today = new Date().toLocaleDateString(english ? "en-GB" : "de-DE", english
  ? { day: "numeric", month: "long", year: "numeric" }
  : { day: "2-digit", month: "2-digit", year: "numeric" });
for (const retrieved of document.querySelectorAll("[data-retrieved]")) {
  retrieved.textContent = retrieved.dataset.retrieved.replace("{date}", () => today);
}
// A site built without its host cites a path: whole with the host the reader sees.
for (const address of document.querySelectorAll("[data-address]")) {
  if (address.textContent.startsWith("/")) {
    address.textContent = new URL(address.textContent, location.href).href;
  }
}

async function copyText(text, source) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (a page served over plain http) or no permission: the older way.
    window.getSelection().selectAllChildren(source);
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector("[data-copy-status]");
  if (!source) continue;
  button.hidden = false;
  const label = button.textContent;
  let timer;
  button.addEventListener("click", async () => {
    const copied = await copyText(source.textContent.trim(), source);
    if (copied) {
      button.textContent = button.dataset.copied;
      clearTimeout(timer);
      timer = setTimeout(() => { button.textContent = label; }, 2000);
    } else {
      window.getSelection().selectAllChildren(source);  // left selected to copy by hand
    }
    // Screen readers announce the status line; a button's changed label they may not.
    if (status) {
      status.textContent = "";
      status.textContent = copied ? button.dataset.copied : button.dataset.failed;
    }
  });
}
