// Start the design system's components. A file, not an inline script: the content
// security policy allows scripts from this site only.
import DS from "../vendor/design-system/scripts/design-system.js";

DS.initAll();
