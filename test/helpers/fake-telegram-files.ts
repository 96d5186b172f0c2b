/**
 * The fake Telegram's files: what patrons send (photo, document, voice…) held by file_id, served
 * by getFile and the file download path (`GET /file/bot<token>/<file_path>`) as Telegram does,
 * and counted, so a test can tell a file was never downloaded. Like Telegram, getFile refuses a
 * file over 20 MB ("file is too big").
 */
import { randomBytes } from "node:crypto";
import { ApiError, optString } from "./fake-telegram-wire";

export interface FakeFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  bytes: Buffer;
}

const BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

export class FakeFiles {
  /** file_path → how many times it was downloaded */
  readonly downloads = new Map<string, number>();
  private readonly byId = new Map<string, FakeFile>();
  private readonly byPath = new Map<string, FakeFile>();
  private next = 1;

  add(bytes: Buffer, extension = "bin"): FakeFile {
    const n = this.next++;
    const file: FakeFile = {
      fileId: `fake-file-${randomBytes(6).toString("hex")}-${n}`,
      fileUniqueId: `u${n}`,
      filePath: `documents/file_${n}.${extension}`,
      bytes,
    };
    this.byId.set(file.fileId, file);
    this.byPath.set(file.filePath, file);
    return file;
  }

  /** The Bot API's getFile. */
  getFile(body: Record<string, unknown>): Record<string, unknown> {
    const file = this.byId.get(optString(body, "file_id") ?? "");
    if (!file) throw new ApiError(400, "Bad Request: invalid file_id");
    if (file.bytes.length > BOT_DOWNLOAD_LIMIT) throw new ApiError(400, "Bad Request: file is too big");
    return {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_size: file.bytes.length,
      file_path: file.filePath,
    };
  }

  /** The bytes at a download path, or undefined (404). */
  download(filePath: string): Buffer | undefined {
    const file = this.byPath.get(filePath);
    if (file) this.downloads.set(filePath, (this.downloads.get(filePath) ?? 0) + 1);
    return file?.bytes;
  }

  get downloadCount(): number {
    let n = 0;
    for (const count of this.downloads.values()) n += count;
    return n;
  }
}
