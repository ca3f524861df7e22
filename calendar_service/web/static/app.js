// calendar_service pages: the only script (no inline scripts: the Content-Security-Policy forbids them).
"use strict";

// New deadline: show the computed due date while the user types.
function livePreview() {
  const preview = document.getElementById("preview");
  if (!preview) return;
  const fields = ["trigger", "rule", "calendar"].map((id) => document.getElementById(id));
  let timer = null;
  async function update() {
    const [start, rule, calendar] = fields.map((f) => (f ? f.value : ""));
    if (!start || !rule) {
      preview.textContent = "Type a trigger date and a rule to see the due date.";
      return;
    }
    const query = new URLSearchParams({ start, rule, calendar });
    try {
      const response = await fetch(`${preview.dataset.url}?${query}`, { credentials: "same-origin" });
      const body = await response.json();
      preview.textContent = response.ok
        ? `Due ${body.weekday}, ${body.due} (rule: ${body.rule}; cutoff ${body.cutoff})`
        : `Cannot compute yet: ${body.error}`;
      preview.dataset.due = response.ok ? body.due : "";
    } catch (error) {
      preview.textContent = "The preview is not available; the date is computed when you create the deadline.";
    }
  }
  for (const field of fields) {
    if (!field) continue;
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 200);
    });
    field.addEventListener("change", update);
  }
  update();
}

// Feeds: copy a feed URL to the clipboard.
function copyButtons() {
  for (const button of document.querySelectorAll("button.copy")) {
    button.addEventListener("click", async () => {
      const input = document.getElementById(button.dataset.target);
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
        button.textContent = "Copied";
      } catch (error) {
        button.textContent = "Press Ctrl+C";
      }
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  livePreview();
  copyButtons();
});
