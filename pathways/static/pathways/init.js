// Start the design system's components. A file, not an inline script: the content
// security policy allows scripts from this site only.
import DS from "../vendor/design-system/scripts/design-system.js";

DS.initAll();

// After a failed submit, move the focus to the summary of what went wrong, so that a
// keyboard or screen reader user starts where the problem is (the design system's
// error summary pattern); its links lead to each field.
const summary = document.querySelector(".ds_error-summary");
if (summary) {
  summary.setAttribute("tabindex", "-1");
  summary.focus();
}

// A wide table that scrolls sideways in its region must be reachable by keyboard
// (WCAG 2.1.1; axe: scrollable-region-focusable): the region takes the focus, and is
// named by the table's caption, only while it actually scrolls.
function focusableWhenScrolling() {
  for (const region of document.querySelectorAll(".pw_table-scroll")) {
    if (region.hasAttribute("data-named")) continue; // named by the page itself
    const scrolls = region.scrollWidth > region.clientWidth + 1;
    if (scrolls && !region.hasAttribute("tabindex")) {
      const caption = region.querySelector("caption");
      region.setAttribute("tabindex", "0");
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
    } else if (!scrolls && region.getAttribute("role") === "region") {
      region.removeAttribute("tabindex");
      region.removeAttribute("role");
      region.removeAttribute("aria-label");
    }
  }
}
focusableWhenScrolling();
window.addEventListener("resize", focusableWhenScrolling);
