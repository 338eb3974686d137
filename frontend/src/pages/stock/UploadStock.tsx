// Upload stock: a CSV or 852 file of stock reports, all or nothing or the valid rows only, a
// progress bar while the server reads it, then what was recorded and each row's problem.
import { useState } from "react";
import { useParams } from "react-router-dom";

import { globalId } from "../../api/ids";
import { ErrorMessage } from "../../components/status";
import { useCan } from "../../live/permissions";
import { StockTabs } from "./StockTabs";
import {
  formatOfName,
  percentDone,
  uploadStock,
  type FileFormat,
  type UploadMode,
  type UploadProgress,
  type UploadResult,
} from "./upload";

const CSV_HEADER = "location_code,sku,as_of,period_days,on_hand,in_transit,on_order,committed,sold,stockout_days";

export function UploadStock() {
  const ws = globalId("Workspace", useParams().workspaceId ?? "");
  const mayReport = useCan("stock:report");
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<FileFormat | "">("");
  const [mode, setMode] = useState<UploadMode>("ALL_OR_NOTHING");
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [result, setResult] = useState<UploadResult | null>(null);

  function choose(chosen: File | null) {
    setFile(chosen);
    setResult(null);
    setProblem(null);
    setFormat(chosen ? (formatOfName(chosen.name) ?? "") : "");
  }

  async function send(event: React.FormEvent) {
    event.preventDefault();
    if (!file) return setProblem("Choose a file to upload.");
    if (!format) return setProblem("Choose the file's format: CSV or 852.");
    if (file.size === 0) return setProblem("The file is empty.");
    setProblem(null);
    setResult(null);
    setProgress(null);
    setSending(true);
    try {
      setResult(await uploadStock({ workspaceId: ws, file, format, mode, onProgress: setProgress }));
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setSending(false);
    }
  }

  const percent = percentDone(progress, !sending && result !== null);
  return (
    <div className="page">
      <StockTabs />
      <h1>Upload stock</h1>
      {!mayReport ? (
        <p className="empty">You do not report stock in this workspace.</p>
      ) : (
        <>
          <p className="lead">
            A CSV file with a header row naming its columns, <code>{CSV_HEADER}</code> (<code>item_number</code>, the
            customer&apos;s own, may replace <code>sku</code>), or an EDI 852 product activity file.
          </p>
          <form className="form card" aria-label="Upload a stock file" onSubmit={send}>
            <label>
              Stock file
              <input type="file" accept=".csv,.852,.edi,.x12,.txt,text/csv" disabled={sending}
                onChange={(e) => choose(e.target.files?.[0] ?? null)} />
            </label>
            <label>
              Format
              <select value={format} disabled={sending} onChange={(e) => setFormat(e.target.value as FileFormat | "")}>
                <option value="">Choose…</option>
                <option value="csv">CSV</option>
                <option value="852">EDI 852</option>
              </select>
            </label>
            <fieldset className="choices">
              <legend>When some rows are wrong</legend>
              <label className="inline">
                <input type="radio" name="mode" value="ALL_OR_NOTHING" checked={mode === "ALL_OR_NOTHING"}
                  disabled={sending} onChange={() => setMode("ALL_OR_NOTHING")} />
                Record nothing (all or nothing)
              </label>
              <label className="inline">
                <input type="radio" name="mode" value="VALID_ROWS" checked={mode === "VALID_ROWS"}
                  disabled={sending} onChange={() => setMode("VALID_ROWS")} />
                Record the valid rows only
              </label>
            </fieldset>
            <div className="actions">
              <button type="submit" className="button" disabled={sending}>{sending ? "Uploading…" : "Upload"}</button>
            </div>
            {(sending || result) && (
              <div className="upload-progress">
                <progress max={100} value={percent} aria-label="Upload progress">{percent}%</progress>
                <span className="muted" role="status" aria-live="polite">
                  {sending
                    ? progress
                      ? `${percent}% · ${progress.rowsRead} rows read`
                      : "Sending the file…"
                    : "Done"}
                </span>
              </div>
            )}
            {problem && <ErrorMessage error={problem} />}
          </form>
          {result && <UploadReport result={result} />}
        </>
      )}
    </div>
  );
}

export function UploadReport({ result }: { result: UploadResult }) {
  const refused = result.status === "REFUSED";
  const badRows = result.rejected || new Set(result.errors.map((e) => e.row)).size;
  return (
    <section aria-labelledby="upload-result" className="card" data-testid="upload-result">
      <h2 id="upload-result">Result</h2>
      {refused ? (
        <p className="alert" role="alert">
          Nothing was recorded: {badRows} {badRows === 1 ? "row has" : "rows have"} errors. Correct them, or upload
          again recording the valid rows only.
        </p>
      ) : (
        <p className="success" role="status">
          {result.accepted} of {result.rowsRead} rows recorded
          {result.rejected ? `; ${result.rejected} refused` : ""}.
        </p>
      )}
      {result.errors.length > 0 && (
        <>
          <h3>Errors by row</h3>
          <table className="table" aria-label="Errors by row">
            <thead>
              <tr><th scope="col">Row</th><th scope="col">Field</th><th scope="col">Problem</th></tr>
            </thead>
            <tbody>
              {result.errors.map((e, i) => (
                <tr key={i}>
                  <td>{e.row || "file"}</td>
                  <td>{e.field ?? "–"}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.errorsTruncated && (
            <p className="muted">The first {result.errors.length} of {result.errorCount} errors are shown.</p>
          )}
        </>
      )}
    </section>
  );
}
