// A phone whose browser reads QR codes, played for the journeys: desktop Chromium has neither
// a camera nor the BarcodeDetector.
import type { BrowserContext, Page } from "@playwright/test";

/** A phone whose browser reads QR codes: a camera (a grey picture whose track stops are
 * counted in `window.__stopped`) and the browser's BarcodeDetector, played here (desktop
 * Chromium has none); the decoder "sees" whatever `window.__qrText` holds. */
export async function playedCamera(context: BrowserContext) {
  await context.addInitScript(() => {
    const w = window as unknown as { __qrText: string; __stopped: number; BarcodeDetector: unknown };
    w.__qrText = "";
    w.__stopped = 0;
    w.BarcodeDetector = class {
      constructor(options: { formats: string[] }) {
        if (!options.formats.includes("qr_code")) throw new TypeError("unsupported");
      }
      async detect() {
        return w.__qrText ? [{ rawValue: w.__qrText, format: "qr_code" }] : [];
      }
    };
    navigator.mediaDevices.getUserMedia = async () => {
      const canvas = document.createElement("canvas");
      canvas.width = 640;
      canvas.height = 480;
      const g = canvas.getContext("2d")!;
      g.fillStyle = "#777";
      g.fillRect(0, 0, 640, 480);
      const stream = canvas.captureStream(5);
      for (const track of stream.getTracks()) {
        const stop = track.stop.bind(track);
        track.stop = () => {
          w.__stopped += 1;
          stop();
        };
      }
      return stream;
    };
  });
}

/** Holds `text` up to the played camera. */
export async function showCode(page: Page, text: string) {
  await page.evaluate((t) => {
    (window as unknown as { __qrText: string }).__qrText = t;
  }, text);
}
