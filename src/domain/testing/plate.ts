// Vehicle plates as written on Vietnamese plates ("29C-123.45", "51LD 123.45", "59X1-234.56"):
// compared without the dash, dots and spaces.

const PLATE = /^\d{2}[A-Z]{1,2}\d?\d{4,5}$/;

export function normalizePlate(raw: string): string | null {
  const s = raw.normalize('NFC').toUpperCase().replace(/[\s.\-_]/g, '');
  return PLATE.test(s) ? s : null;
}
