// An error shown in a notice box in the page's language: after a language switch the same notice says it in
// the new language (one notice per box, never a second copy).

import { notice } from "../ops/dom.js";
import { errorText } from "./api.js";
import { onLanguageChange } from "./i18n.js";

const shown = new Map(); // box -> the error it shows
let following = false;

function showAgain() {
  for (const [box, error] of shown) notice(box, errorText(error));
}

/** Show ``error`` in ``box`` (hide the box when there is none); its text follows later language switches. */
export function showError(box, error) {
  if (!following) {
    onLanguageChange(showAgain);
    following = true;
  }
  if (error) shown.set(box, error);
  else shown.delete(box);
  notice(box, error ? errorText(error) : "");
}
