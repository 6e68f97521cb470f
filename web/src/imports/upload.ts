// Upload with progress: fetch cannot report upload progress, XMLHttpRequest can.
import { ApiError, csrfHeader } from '../lib/api.ts';
import { currentLang } from '../i18n/index.ts';

export interface Upload<T> {
  promise: Promise<T>;
  abort(): void;
}

export function uploadFile<T>(url: string, field: string, file: File, onProgress: (loaded: number, total: number) => void): Upload<T> {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', currentLang());
    for (const [k, v] of Object.entries(csrfHeader())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      const e = (body as { error?: { code?: string; message?: string; fields?: [] } } | null)?.error;
      reject(new ApiError(xhr.status, e?.code ?? `http_${xhr.status}`, e?.message ?? xhr.statusText, e?.fields ?? []));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Network error'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Aborted'));
    const form = new FormData();
    form.append(field, file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
