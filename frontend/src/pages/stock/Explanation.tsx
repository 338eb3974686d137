// "Why this quantity": every figure the arithmetic read and every step with its formula and
// value, as the API explains a proposal line. Nothing is computed here: the page shows the
// server's arithmetic.
import { inputLabel, noteText, readExplanation, showValue, stepLabel } from "./logic";

export type LineExplanation = {
  method?: string | null;
  inputs: readonly { name: string; value?: unknown }[];
  steps: readonly { name: string; formula: string; value?: unknown }[];
  quantity: number;
  note?: string | null;
  daysOfSupply?: number | null;
  stockoutDate?: string | null;
  decision?: { quantity: number; warnings: readonly string[] } | null;
};

export function ExplanationView({ explanation, product }: { explanation: LineExplanation; product: string }) {
  const read = readExplanation(explanation);
  if (!read) return null;
  const note = noteText(explanation.note);
  return (
    <details className="explanation-toggle" data-testid="why">
      <summary>Why this quantity</summary>
      <div className="explanation" aria-label={`Why this quantity of ${product}`}>
        <p>
          {explanation.method === "MIN_MAX" ? "Min/max policy" : "Reorder point policy"}:{" "}
          <strong>{explanation.quantity}</strong> units proposed.
          {explanation.daysOfSupply != null && ` On hand lasts ${showValue(Math.round(explanation.daysOfSupply * 10) / 10)} days`}
          {explanation.stockoutDate ? `, running out on ${explanation.stockoutDate}.` : explanation.daysOfSupply != null ? "." : ""}
        </p>
        <h4>What it reads</h4>
        <table className="table compact" aria-label="Inputs">
          <tbody>
            {read.inputs.map((i) => (
              <tr key={i.name}>
                <th scope="row">{inputLabel(i.name)}</th>
                <td className="num">{showValue(i.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h4>Steps</h4>
        <ol aria-label="Steps">
          {read.steps.map((s) => (
            <li key={s.name} data-testid="step">
              <strong>{stepLabel(s.name)}</strong>: <span className="formula">{s.formula}</span> ={" "}
              <strong>{showValue(s.value)}</strong>
            </li>
          ))}
        </ol>
        {note && <p className="muted">{note}</p>}
        {explanation.decision && (
          <p>
            Ordered instead: <strong>{explanation.decision.quantity}</strong>
            {explanation.decision.warnings.length > 0 && ` (${explanation.decision.warnings.join(" ")})`}
          </p>
        )}
      </div>
    </details>
  );
}
