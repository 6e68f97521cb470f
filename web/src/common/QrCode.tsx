// A QR code of a text (a link to a public page), drawn as SVG in the page; the encoder is loaded
// only where a QR is shown.
import { useEffect, useState } from 'react';

export function QrCode({ value, size = 160, label }: { value: string; size?: number; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void import('qrcode').then((q) => q.toString(value, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })).then((s) => live && setSvg(s));
    return () => {
      live = false;
    };
  }, [value]);
  const src = svg ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` : undefined;
  return <div style={{ width: size, height: size }}>{src && <img src={src} width={size} height={size} alt={label} data-testid="qr-code" data-value={value} />}</div>;
}
