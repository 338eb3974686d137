// Sending a stock file: the file itself is the body of the POST (no form encoding), with an
// upload ID of our choosing so the page can poll the progress while the server reads it.
export type RowError = { row: number; field: string | null; message: string; code: string };

export type UploadResult = {
  status: string;
  rowsRead: number;
  accepted: number;
  rejected: number;
  errorCount: number;
  errorsTruncated: boolean;
  errors: RowError[];
};

export type UploadProgress = {
  status: string;
  bytesTotal: number | null;
  bytesDone: number;
  rowsRead: number;
  accepted: number;
  rejected: number;
};

export type FileFormat = "csv" | "852";
export type UploadMode = "ALL_OR_NOTHING" | "VALID_ROWS";

/** The format a file's name suggests: .csv is CSV, .852/.edi/.x12/.txt an 852 file. */
export function formatOfName(name: string): FileFormat | null {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension === "csv") return "csv";
  if (extension && ["852", "edi", "x12", "txt"].includes(extension)) return "852";
  return null;
}

/** The share of the file done, 0 to 100, as far as the server has told. */
export function percentDone(progress: UploadProgress | null, finished: boolean): number {
  if (finished) return 100;
  if (!progress?.bytesTotal) return 0;
  return Math.min(99, Math.round((progress.bytesDone / progress.bytesTotal) * 100));
}

function newUploadId(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export class UploadRefused extends Error {}

/** Upload a file; `onProgress` hears the server's progress until the answer arrives. */
export async function uploadStock(opts: {
  workspaceId: string;
  file: Blob;
  format: FileFormat;
  mode: UploadMode;
  onProgress: (progress: UploadProgress) => void;
  pollMs?: number;
}): Promise<UploadResult> {
  const uploadId = newUploadId();
  const base = `/workspaces/${encodeURIComponent(opts.workspaceId)}/stock-uploads`;
  let finished = false;
  const poll = async () => {
    while (!finished) {
      await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 400));
      if (finished) return;
      const response = await fetch(`${base}/${uploadId}`, { credentials: "same-origin" }).catch(() => null);
      if (response?.ok && !finished) opts.onProgress((await response.json()) as UploadProgress);
    }
  };
  void poll();
  try {
    const response = await fetch(`${base}?format=${opts.format}&mode=${opts.mode}`, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "content-type": opts.format === "csv" ? "text/csv" : "application/edi-x12",
        "x-upload-id": uploadId,
      },
      body: opts.file,
    });
    const data = await response.json().catch(() => ({}));
    if (response.ok || response.status === 422) return data as UploadResult;
    const message = (data as { errors?: { message: string }[] }).errors?.[0]?.message;
    throw new UploadRefused(message ?? `The server answered ${response.status}.`);
  } catch (error) {
    if (error instanceof UploadRefused) throw error;
    throw new UploadRefused("kamp cannot be reached. Check your connection and try again.");
  } finally {
    finished = true;
  }
}
