// Fragments shared by the app's documents. Every mutation payload reports its user errors
// with these fields; a document spreads `...UserErrorFields` and the generated document
// carries the fragment's definition along (fragment masking is off: fields read directly).
import { graphql } from "../gql";

export const UserErrorFields = graphql(`
  fragment UserErrorFields on UserError {
    field
    message
    code
  }
`);
