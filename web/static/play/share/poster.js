// The share's poster: a QR code of the full link, drawn in the browser by the qrcode-generator library (served from
// web/node_modules; without it the poster keeps the link and the copy button), and the copy button (the clipboard,
// else the older copy command, else the link selected for a long press).

import { t } from "../i18n.js";

const QUIET_ZONE = 4; // modules of white around the code, as scanners expect
const SVG = "http://www.w3.org/2000/svg";
let library = null;

/** The QR library's ``qrcode`` factory, loaded once from ``url``; null when it cannot be loaded. */
function qrFactory(url) {
  library ??= import(url).then((module) => module.default).catch(() => null);
  return library;
}

/** An SVG of ``text`` as a QR code (error correction M), one unit per module. */
function qrSvg(qrcode, text) {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const count = qr.getModuleCount();
  const size = count + 2 * QUIET_ZONE;
  let path = "";
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (qr.isDark(row, col)) path += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`;
    }
  }
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("shape-rendering", "crispEdges");
  svg.setAttribute("aria-hidden", "true");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#fff");
  const modules = document.createElementNS(SVG, "path");
  modules.setAttribute("d", path);
  modules.setAttribute("fill", "#000");
  svg.append(background, modules);
  svg.dataset.modules = String(count);
  return svg;
}

/** The older way to copy: the input's text selected and the copy command; whether it copied. */
function copyBySelection(input) {
  input.focus();
  input.select();
  input.setSelectionRange(0, input.value.length);
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

export class Poster {
  /** @param {{qr: HTMLElement, link: HTMLInputElement, copy: HTMLButtonElement, note: HTMLElement}} parts */
  constructor(parts) {
    Object.assign(this, parts);
    this.url = null;
    this.noteKey = "";
    this.copy.addEventListener("click", () => this.copyLink());
  }

  /** Show ``url`` (absolute) as the link and as the QR code. */
  async show(url) {
    if (url === this.url) return;
    this.url = url;
    this.link.value = url;
    this.setNote("");
    const qrcode = await qrFactory(this.qr.dataset.module);
    if (this.url !== url) return; // another share came meanwhile
    if (!qrcode) {
      this.qr.hidden = true;
      this.setNote("share.qr_unavailable");
      return;
    }
    this.qr.replaceChildren(qrSvg(qrcode, url));
    this.qr.dataset.link = url;
  }

  async copyLink() {
    let copied = false;
    try {
      await navigator.clipboard.writeText(this.link.value);
      copied = true;
    } catch {
      copied = copyBySelection(this.link); // no clipboard API here (an older web view, an insecure page)
    }
    if (!copied) this.link.select();
    this.setNote(copied ? "share.copied" : "share.copy_manual");
  }

  setNote(key) {
    this.noteKey = key;
    this.note.textContent = key ? t(key) : "";
  }

  /** Say the note again in the current language. */
  render() {
    this.setNote(this.noteKey);
  }
}
