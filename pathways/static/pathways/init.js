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
