// One error shape for every endpoint: { error: { code, message, fields[] } }, message in the
// caller's language (Vietnamese by default, English with Accept-Language: en or ?lang=en).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface FieldError {
  field: string;
  code: string;
  message?: string;
}

const MESSAGES: Record<string, { vi: string; en: string }> = {
  bad_request: { vi: 'Dữ liệu gửi lên không hợp lệ', en: 'The request is not valid' },
  validation: { vi: 'Dữ liệu chưa hợp lệ, xem từng trường', en: 'Some fields are not valid' },
  unauthenticated: { vi: 'Vui lòng đăng nhập', en: 'Please sign in' },
  invalid_credentials: { vi: 'Sai tên đăng nhập hoặc mật khẩu', en: 'Wrong username or password' },
  account_locked: { vi: 'Tài khoản tạm khóa do đăng nhập sai nhiều lần, thử lại sau', en: 'Account locked after repeated failures, try again later' },
  forbidden: { vi: 'Bạn không có quyền thực hiện thao tác này', en: 'You are not allowed to do this' },
  csrf: { vi: 'Phiên làm việc không hợp lệ, hãy tải lại trang', en: 'Invalid session token, reload the page' },
  not_found: { vi: 'Không tìm thấy', en: 'Not found' },
  conflict: { vi: 'Dữ liệu xung đột với dữ liệu đã có', en: 'Conflicts with existing data' },
  payload_too_large: { vi: 'Tệp hoặc dữ liệu quá lớn', en: 'File or body too large' },
  unsupported_media_type: { vi: 'Định dạng không được hỗ trợ', en: 'Unsupported format' },
  rate_limited: { vi: 'Quá nhiều yêu cầu, thử lại sau', en: 'Too many requests, try again later' },
  stale: { vi: 'Hồ sơ vừa được người khác sửa; hãy tải lại để xem thay đổi rồi sửa tiếp', en: 'Someone else changed this record; reload to see their change, then edit again' },
  not_a_case: { vi: 'Bằng chứng chưa đủ để xác định ca bệnh theo định nghĩa F0 đang áp dụng', en: 'The evidence does not meet the F0 definition in force' },
  already_case: { vi: 'Người này đang là ca bệnh', en: 'This person is already an open case' },
  already_ordered: { vi: 'Người này đang có quyết định cách ly còn hiệu lực', en: 'This person already has an active order' },
  facility_full: { vi: 'Cơ sở cách ly đã hết chỗ', en: 'The facility is full' },
  venue_revoked: { vi: 'Địa điểm này đã bị thu hồi mã QR, không thể quét mã tại đây', en: 'This venue’s QR code has been revoked' },
  invalid_state: { vi: 'Không thể thực hiện ở trạng thái hiện tại', en: 'Not possible in the current state' },
  internal: { vi: 'Lỗi hệ thống, đã ghi nhận', en: 'Internal error, it has been logged' },
  unavailable: { vi: 'Hệ thống chưa sẵn sàng', en: 'Not ready' },
};

export class AppError extends Error {
  constructor(
    public statusCode: number,
    public code: string,
    public fields: FieldError[] = [],
    message?: string,
  ) {
    super(message ?? code);
  }
}

export const badRequest = (fields: FieldError[] = [], code = 'validation') => new AppError(400, code, fields);
export const notFound = () => new AppError(404, 'not_found');
export const forbidden = () => new AppError(403, 'forbidden');
export const conflict = (fields: FieldError[] = []) => new AppError(409, 'conflict', fields);

export type Lang = 'vi' | 'en';

export function langOf(req: FastifyRequest): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (q === 'en' || q === 'vi') return q;
  const h = req.headers['accept-language'];
  return typeof h === 'string' && /^en\b/i.test(h.trim()) ? 'en' : 'vi';
}

export function errorMessage(code: string, lang: Lang): string {
  return MESSAGES[code]?.[lang] ?? MESSAGES.bad_request[lang];
}

function send(reply: FastifyReply, status: number, code: string, fields: FieldError[], lang: Lang) {
  return reply.status(status).send({ error: { code, message: errorMessage(code, lang), fields } });
}

export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError & Partial<AppError>, req, reply) => {
    const lang = langOf(req);
    if (err instanceof AppError) return send(reply, err.statusCode, err.code, err.fields, lang);
    if (err.validation) {
      const fields = err.validation.map((v) => ({
        field: (v.instancePath || '/' + ((v.params as { missingProperty?: string })?.missingProperty ?? '')).replace(/^\//, '').replace(/\//g, '.') || (err.validationContext ?? 'body'),
        code: v.keyword,
        message: v.message,
      }));
      return send(reply, 400, 'validation', fields, lang);
    }
    const status = err.statusCode ?? 500;
    if (status === 413) return send(reply, 413, 'payload_too_large', [], lang);
    if (status === 415) return send(reply, 415, 'unsupported_media_type', [], lang);
    if (status === 429) return send(reply, 429, 'rate_limited', [], lang);
    if (status === 403 && /csrf/i.test(err.code ?? err.message)) return send(reply, 403, 'csrf', [], lang);
    if (status >= 400 && status < 500) return send(reply, status, status === 404 ? 'not_found' : 'bad_request', [], lang);
    req.log.error({ err }, 'unhandled error');
    return send(reply, 500, 'internal', [], lang);
  });
  app.setNotFoundHandler((req, reply) => send(reply, 404, 'not_found', [], langOf(req)));
}
