// The images painted on a PDF's first page, decoded by pdf.js (an independent reader of what pdfkit wrote).
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

interface PdfImage {
  width: number;
  height: number;
  kind: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Every image painted on page 1 as RGBA (pdf.js kinds: 1 = 1 bit grey, 2 = RGB, 3 = RGBA). */
export async function pdfImages(pdf: Buffer): Promise<{ rgba: Uint8ClampedArray; width: number; height: number }[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, isOffscreenCanvasSupported: false } as Parameters<typeof getDocument>[0]).promise;
  const page = await doc.getPage(1);
  const ops = await page.getOperatorList();
  const out = [];
  for (const [i, fn] of ops.fnArray.entries()) {
    if (fn !== OPS.paintImageXObject) continue;
    const img = await new Promise<PdfImage>((res) => page.objs.get(ops.argsArray[i][0], res));
    const rgba = new Uint8ClampedArray(img.width * img.height * 4);
    for (let p = 0; p < img.width * img.height; p++) {
      if (img.kind === 3) rgba.set(img.data.subarray(p * 4, p * 4 + 4), p * 4);
      else if (img.kind === 2) rgba.set([img.data[p * 3], img.data[p * 3 + 1], img.data[p * 3 + 2], 255], p * 4);
      else {
        const rowBytes = Math.ceil(img.width / 8);
        const x = p % img.width;
        const y = Math.floor(p / img.width);
        const bit = (img.data[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
        rgba.set(bit ? [255, 255, 255, 255] : [0, 0, 0, 255], p * 4);
      }
    }
    out.push({ rgba, width: img.width, height: img.height });
  }
  await doc.destroy();
  return out;
}

