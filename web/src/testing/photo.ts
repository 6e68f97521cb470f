// Photos of test cassettes from a phone camera are several MB: shrink them in the browser to a
// JPEG of at most 1280 px before sending (enough to read the lines, small enough for 3G).

const MAX_SIDE = 1280;

/** The photo as the API takes it: JPEG, base64 without the data: prefix. */
export async function photoToBody(file: File): Promise<{ contentType: 'image/jpeg'; dataBase64: string }> {
  const url = await photoToDataUrl(file);
  return { contentType: 'image/jpeg', dataBase64: url.slice(url.indexOf(',') + 1) };
}

export async function photoToDataUrl(file: File, maxSide = MAX_SIDE, quality = 0.8): Promise<string> {
  if (!file.type.startsWith('image/')) throw new Error('not an image');
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, w, h);
  bitmap.close();
  return canvas.toDataURL('image/jpeg', quality);
}

/** A Date as the value of an <input type="datetime-local"> in Vietnam time (yyyy-MM-ddTHH:mm). */
export function localDateTimeValue(d: Date): string {
  const vn = new Date(d.getTime() + 7 * 3_600_000);
  return vn.toISOString().slice(0, 16);
}

/** The value of a datetime-local input (Vietnam time) as an ISO instant; null when empty or not a time. */
export function instantFromLocal(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{1,2}):(\d{2})$/.exec(value);
  if (!m || Number(m[2]) > 23 || Number(m[3]) > 59) return null;
  const t = Date.parse(`${m[1]}T${m[2].padStart(2, '0')}:${m[3]}:00+07:00`);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}
